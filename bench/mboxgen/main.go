// Command mboxgen writes a synthetic mailbox for the mbox import benchmark
// (docs/performance.md): an mbox of about the size asked for, and the
// clients and contacts some of its correspondents are, as cartera's CSV
// files. Deterministic: the same size gives the same bytes.
//
//	go run ./bench/mboxgen -size 1073741824 -out bench/out/mail
//
// The mix imitates a working mailbox: most messages are short text, a
// quarter carry a base64 attachment of 20–80 KB, a few a larger one; three
// in ten are exchanged with clients, the rest are newsletters, suppliers
// and colleagues.
package main

import (
	"bufio"
	"encoding/base64"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	size := flag.Int64("size", 1<<30, "bytes of mbox to write (about)")
	out := flag.String("out", "bench/out/mail", "folder for correo.mbox, clientes.csv and contactos.csv")
	clients := flag.Int("clients", 500, "clients")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	cf, _ := os.Create(filepath.Join(*out, "clientes.csv"))
	pf, _ := os.Create(filepath.Join(*out, "contactos.csv"))
	fmt.Fprintln(cf, "id;nombre;moneda;email")
	fmt.Fprintln(pf, "id;cliente;nombre;nivel;email")
	for i := 0; i < *clients; i++ {
		fmt.Fprintf(cf, "C-%04d;Cliente %d S.L.;EUR;info@cliente%d.example\n", i, i, i)
		for j := 0; j < 2; j++ {
			fmt.Fprintf(pf, "P-%04d-%d;C-%04d;Persona %d-%d;%d;persona%d@cliente%d.example\n", i, j, i, i, j, 1+j*3, j, i)
		}
	}
	cf.Close()
	pf.Close()
	f, err := os.Create(filepath.Join(*out, "correo.mbox"))
	if err != nil {
		fail(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	attach := make([]byte, 300<<10)
	for i := range attach {
		attach[i] = byte(rng.IntN(256))
	}
	b64 := base64.StdEncoding.EncodeToString(attach)
	words := strings.Fields("hola buenos días te escribo para confirmar la reunión del jueves quedamos en revisar el presupuesto " +
		"y los cambios de la web gracias por todo un saludo adjunto el documento con las correcciones que comentamos " +
		"ya que estás podrías añadir también una sección nueva el lunes sin falta mañana a primera hora perfecto")
	start := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	var written int64
	for n := 0; written < *size; n++ {
		at := start.Add(time.Duration(n) * 17 * time.Minute)
		from, to := "lucia@agencia.example", ""
		switch k := rng.IntN(10); {
		case k < 3: // with a client, either way
			c, p := rng.IntN(*clients), rng.IntN(2)
			client := fmt.Sprintf("persona%d@cliente%d.example", p, c)
			if rng.IntN(2) == 0 {
				to = client
			} else {
				from, to = client, "lucia@agencia.example"
			}
		case k < 7:
			from, to = fmt.Sprintf("boletin%d@noticias.example", rng.IntN(50)), "lucia@agencia.example"
		default:
			from, to = fmt.Sprintf("alguien%d@proveedor%d.example", rng.IntN(200), rng.IntN(40)), "lucia@agencia.example"
		}
		var body strings.Builder
		for l := 0; l < 20+rng.IntN(80); l++ {
			for k := 0; k < 10; k++ {
				body.WriteString(words[rng.IntN(len(words))])
				body.WriteByte(' ')
			}
			body.WriteByte('\n')
		}
		hdr := fmt.Sprintf("From %s %s\nReturn-Path: <%s>\nReceived: from mx.example by mail.agencia.example; %s\nMessage-ID: <%d.%d@gen.example>\nDate: %s\nFrom: %s\nTo: %s\nSubject: Mensaje %d\nMIME-Version: 1.0\n",
			from, at.Format("Mon Jan _2 15:04:05 2006"), from, at.Format(time.RFC1123Z), n, rng.Uint32(), at.Format(time.RFC1123Z), from, to, n)
		var msg string
		switch k := rng.IntN(100); {
		case k < 25 || k >= 97:
			sz := 20<<10 + rng.IntN(60<<10)
			if k >= 97 {
				sz = 200 << 10
			}
			enc := b64[:sz/3*4]
			var lines strings.Builder
			for len(enc) > 76 {
				lines.WriteString(enc[:76])
				lines.WriteByte('\n')
				enc = enc[76:]
			}
			lines.WriteString(enc)
			msg = hdr + "Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain; charset=utf-8\n\n" +
				body.String() + "\n--b1\nContent-Type: application/pdf; name=\"doc.pdf\"\nContent-Transfer-Encoding: base64\n\n" +
				lines.String() + "\n--b1--\n\n"
		default:
			msg = hdr + "Content-Type: text/plain; charset=utf-8\n\n" + body.String() + "\n"
		}
		w.WriteString(msg)
		written += int64(len(msg))
	}
	if err := w.Flush(); err != nil {
		fail(err)
	}
	f.Close()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

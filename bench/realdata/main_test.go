package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartera/cartera/csvio"
)

// Two leads in Olist's own layout: one signs 19 days after its first
// contact, the other never does and is closed lost 180 days after it.
// The seller and declared revenue of the signed one are not carried over.
func TestConvertOlist(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("olist_marketing_qualified_leads_dataset.csv", "mql_id,first_contact_date,landing_page_id,origin\n"+
		"bbb,05-04-2018,p1,organic_search\naaa,14-11-2017,p2,\n")
	write("olist_closed_deals_dataset.csv", "mql_id,seller_id,sdr_id,sr_id,won_date,business_segment,lead_type,"+
		"lead_behaviour_profile,has_company,has_gtin,average_stock,business_type,declared_product_catalog_size,declared_monthly_revenue\n"+
		"bbb,s1,sdr1,sr1,24-04-2018 10:00,pet,online_medium,cat,,,,reseller,,50000\n")
	out := filepath.Join(dir, "olist.csv")
	if err := convertOlist(dir, out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := "lead,origin,status,first_contact,closed\n" +
		"aaa,unknown,lost,2017-11-14,2018-05-13\n" +
		"bbb,organic_search,won,2018-04-05,2018-04-24\n"
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
	if strings.Contains(string(b), "sr1") || strings.Contains(string(b), "50000") {
		t.Error("the seller or revenue of a signed lead leaked into the file")
	}
}

// The mapping kept next to the program loads.
func TestOlistMappingLoads(t *testing.T) {
	b, err := os.ReadFile("olist.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := csvio.LoadMapping("olist.json", b); err != nil {
		t.Fatal(err)
	}
}

// Four calls in the bank's own layout, across a new year: the year goes up
// when the month goes back, each lead opens on the first of its month and
// closes on its last call, and the call's duration is not carried over.
func TestConvertBank(t *testing.T) {
	dir := t.TempDir()
	head := `"age";"job";"marital";"education";"default";"balance";"housing";"loan";"contact";"day";"month";"duration";"campaign";"pdays";"previous";"poutcome";"y"` + "\n"
	rows := `58;"management";"married";"tertiary";"no";2143;"yes";"no";"unknown";5;"may";261;1;-1;0;"unknown";"no"` + "\n" +
		`44;"technician";"single";"secondary";"no";29;"yes";"no";"cellular";30;"dec";4321;2;-1;0;"unknown";"yes"` + "\n" +
		`33;"student";"single";"secondary";"no";2;"no";"no";"cellular";14;"jan";97;1;180;2;"success";"yes"` + "\n" +
		`35;"admin.";"single";"secondary";"no";231;"no";"no";"cellular";3;"feb";139;3;92;1;"unknown";"no"` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "bank-full.csv"), []byte(head+rows), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "bank.csv")
	if err := convertBank(dir, out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := "lead,history,status,first_contact,closed\n" +
		"bank-00001,previous campaign: new,lost,2008-05-01,2008-05-05\n" +
		"bank-00002,previous campaign: new,won,2008-12-01,2008-12-30\n" +
		"bank-00003,previous campaign: success,won,2009-01-01,2009-01-14\n" +
		"bank-00004,previous campaign: unknown,lost,2009-02-01,2009-02-03\n"
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
	if strings.Contains(string(b), "4321") {
		t.Error("the last call's duration leaked into the file")
	}
}

// A file out of date order cannot have its years read from it: refused.
func TestConvertBankOutOfOrder(t *testing.T) {
	dir := t.TempDir()
	s := `"day";"month";"pdays";"poutcome";"y"` + "\n" + `9;"may";-1;"unknown";"no"` + "\n" + `2;"may";-1;"unknown";"no"` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "bank-full.csv"), []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := convertBank(dir, filepath.Join(dir, "bank.csv")); err == nil || !strings.Contains(err.Error(), "date order") {
		t.Errorf("got %v, want a date-order error", err)
	}
}

// The bank mapping kept next to the program loads.
func TestBankMappingLoads(t *testing.T) {
	b, err := os.ReadFile("bank.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := csvio.LoadMapping("bank.json", b); err != nil {
		t.Fatal(err)
	}
}

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

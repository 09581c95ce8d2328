package sample

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var symbolPattern = regexp.MustCompile(`^[A-Z]{1,5}$`)

func TestStockRowsAreValid(t *testing.T) {
	t.Parallel()
	ep, rows := collect(t, "stocks_meta")
	col := func(name string) int { return field(t, ep, name) }
	symbol, name, exchange := col("symbol"), col("security_name"), col("listing_exchange")
	category, etf, lot := col("market_category"), col("etf"), col("round_lot_size")
	status, listed := col("financial_status"), col("listed_on")

	if len(rows) != 3000 {
		t.Fatalf("%d securities, want 3000", len(rows))
	}
	exchanges := map[string]bool{"Q": true, "N": true, "A": true, "P": true, "Z": true}
	tiers := map[string]bool{"Q": true, "G": true, "S": true}
	statuses := map[any]bool{nil: true, "D": true, "E": true, "Q": true}
	lots := map[int64]bool{1: true, 10: true, 100: true}
	var symbols []string
	for i, row := range rows {
		sym, nm := row[symbol].(string), row[name].(string)
		ex, cat := row[exchange].(string), row[category].(string)
		day, _ := time.Parse(time.DateOnly, row[listed].(string))
		var problem string
		switch {
		case !symbolPattern.MatchString(sym):
			problem = "symbol is not 1-5 capital letters"
		case row[etf].(bool) && !strings.HasSuffix(nm, " ETF"):
			problem = "an ETF is not named as one"
		case !row[etf].(bool) && !strings.Contains(nm, " - "):
			problem = `security_name lacks " - " before the class`
		case !exchanges[ex]:
			problem = "listing_exchange is unknown"
		case ex == "Q" && !tiers[cat] || ex != "Q" && cat != "":
			problem = "market_category does not fit the exchange"
		case !lots[row[lot].(int64)]:
			problem = "round_lot_size is unusual"
		case !statuses[row[status]]:
			problem = "financial_status is unknown"
		case day.Year() < 1980 || day.Year() > 2025:
			problem = "listed_on is outside 1980-2025"
		case day.Weekday() == time.Saturday || day.Weekday() == time.Sunday:
			problem = "listed_on is a weekend"
		}
		if problem != "" {
			t.Fatalf("row %d %v: %s", i, row, problem)
		}
		symbols = append(symbols, sym)
	}
	if !slices.IsSorted(symbols) {
		t.Error("rows are not in symbol order")
	}
}

func TestStocksLookReal(t *testing.T) {
	t.Parallel()
	ep, rows := collect(t, "stocks_meta")
	etf, lot := field(t, ep, "etf"), field(t, ep, "round_lot_size")
	status, symbol := field(t, ep, "financial_status"), field(t, ep, "symbol")
	n := float64(len(rows))

	var etfs, lots100, noStatus, short float64
	for _, row := range rows {
		if row[etf].(bool) {
			etfs++
		}
		if row[lot].(int64) == 100 {
			lots100++
		}
		if row[status] == nil {
			noStatus++
		}
		if len(row[symbol].(string)) <= 2 {
			short++
		}
	}
	checks := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{name: "share of ETFs", got: etfs / n, lo: 0.08, hi: 0.12},
		{name: "share with round lots of 100", got: lots100 / n, lo: 0.9, hi: 1},
		{name: "share without financial_status", got: noStatus / n, lo: 0.85, hi: 0.99},
		{name: "share with 1-2 letter symbols", got: short / n, lo: 0.01, hi: 0.15},
	}
	for _, c := range checks {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s = %.3f, want %.3f-%.3f", c.name, c.got, c.lo, c.hi)
		}
	}
}

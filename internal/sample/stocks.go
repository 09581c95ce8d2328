package sample

import (
	"slices"
	"strings"
	"time"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// stockCount is the number of rows of stocks_meta.
const stockCount = 3000

// Columns of stocks_meta, in the order of stockColumns.
const (
	stockSymbol = iota
	stockName
	stockExchange
	stockCategory
	stockETF
	stockLot
	stockStatus
	stockListed
)

var stockColumns = []column{
	{name: "symbol", typ: typespb.Type_String},
	{name: "security_name", typ: typespb.Type_String},
	{name: "listing_exchange", typ: typespb.Type_String},
	{name: "market_category", typ: typespb.Type_String},
	{name: "etf", typ: typespb.Type_Boolean},
	{name: "round_lot_size", typ: typespb.Type_UInt},
	{name: "financial_status", typ: typespb.Type_String, nullable: true},
	{name: "listed_on", typ: typespb.Type_Date},
}

// security is one row of stocks_meta.
type security struct {
	symbol, name       string
	exchange, category string
	etf                bool
	lot                int64
	status             string // "" is NULL
	listed             int    // days since the epoch
}

type stocks []security

func (s stocks) fill(i int, cols []int, dst []any) {
	sec := &s[i]
	for j, c := range cols {
		switch c {
		case stockSymbol:
			dst[j] = sec.symbol
		case stockName:
			dst[j] = sec.name
		case stockExchange:
			dst[j] = sec.exchange
		case stockCategory:
			dst[j] = sec.category
		case stockETF:
			dst[j] = sec.etf
		case stockLot:
			dst[j] = sec.lot
		case stockStatus:
			dst[j] = nil
			if sec.status != "" {
				dst[j] = sec.status
			}
		case stockListed:
			dst[j] = time.Unix(int64(sec.listed)*86400, 0).UTC().Format(time.DateOnly)
		}
	}
}

// Exchange codes as in the Nasdaq symbol directory: Nasdaq, NYSE, NYSE
// American, NYSE Arca and Cboe BZX.
const (
	nasdaq   = "Q"
	nyse     = "N"
	american = "A"
	arca     = "P"
	bzx      = "Z"
)

var (
	stockExchanges = []choice[string]{
		{55, nasdaq}, {36, nyse}, {7, american}, {1, arca}, {1, bzx},
	}
	etfExchanges = []choice[string]{{55, arca}, {25, nasdaq}, {20, bzx}}
	// Nasdaq's tiers: Global Select, Global and Capital Market.
	nasdaqTiers = []choice[string]{{45, "Q"}, {25, "G"}, {30, "S"}}
	// Nasdaq tickers run to four letters; the other exchanges' to three.
	nasdaqSymbolLen = []choice[int]{{5, 2}, {15, 3}, {80, 4}}
	otherSymbolLen  = []choice[int]{{3, 1}, {17, 2}, {60, 3}, {20, 4}}
	etfSymbolLen    = []choice[int]{{45, 3}, {55, 4}}
	corporateForms  = []choice[string]{
		{50, "Inc."}, {18, "Corp."}, {8, "Holdings, Inc."}, {5, "Group, Inc."},
		{4, "Co."}, {5, "Ltd."}, {4, "plc"}, {3, "N.V."}, {3, "S.A."},
	}
	roundLots = []choice[int64]{{97, 100}, {2, 10}, {1, 1}}
	// Deficient, delinquent and bankrupt; a NULL status is normal.
	financialStatuses = []choice[string]{{89, ""}, {6, "D"}, {3, "E"}, {2, "Q"}}
)

var (
	firstListing = epochDay(1980, 1, 1)
	firstETF     = epochDay(1993, 1, 29)
	spacBoom     = epochDay(2019, 1, 1)
	lastListing  = epochDay(2025, 12, 31)
)

func epochDay(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// stockGen builds stocks_meta one issuer at a time.
type stockGen struct {
	r       rng
	out     stocks
	symbols map[string]bool
	names   map[string]bool
}

func genStocks() stocks {
	g := &stockGen{
		r:       newRNG(1),
		symbols: map[string]bool{},
		names:   map[string]bool{},
	}
	for len(g.out) < stockCount {
		if g.r.chance(11) {
			g.addETF()
		} else {
			g.addCompany()
		}
	}
	slices.SortFunc(g.out, func(a, b security) int {
		return strings.Compare(a.symbol, b.symbol)
	})
	return g.out
}

func (g *stockGen) addCompany() {
	r := g.r
	base := g.uniqueName(brands, businesses)
	form := pickChoice(r, corporateForms)
	sec := security{
		exchange: pickChoice(r, stockExchanges),
		lot:      pickChoice(r, roundLots),
		listed:   g.listingDay(firstListing),
	}
	symbolLen := otherSymbolLen
	if sec.exchange == nasdaq {
		symbolLen = nasdaqSymbolLen
		sec.category = pickChoice(r, nasdaqTiers)
		sec.status = pickChoice(r, financialStatuses)
	}
	sec.symbol = g.symbol(symbolWords(base), pickChoice(r, symbolLen))
	issuer := base + " " + form
	sec.name = issuer + " - " + g.shareClass(form)
	g.out = append(g.out, sec)

	// Recent Nasdaq blank-check listings trade units and warrants beside
	// their shares, under the share symbol plus U and W.
	spac := sec.exchange == nasdaq && len(sec.symbol) == 4 && sec.listed >= spacBoom
	if spac && r.chance(25) {
		g.addCompanion(sec, issuer, "U", "Unit")
		g.addCompanion(sec, issuer, "W", "Warrant")
	}
}

func (g *stockGen) addCompanion(share security, issuer, suffix, kind string) {
	symbol := share.symbol + suffix
	if len(g.out) >= stockCount || g.symbols[symbol] {
		return
	}
	g.symbols[symbol] = true
	share.symbol = symbol
	share.name = issuer + " - " + kind
	share.lot = 100
	g.out = append(g.out, share)
}

func (g *stockGen) addETF() {
	r := g.r
	name := g.uniqueName(etfSponsors, etfStrategies) + " ETF"
	sec := security{
		name:     name,
		exchange: pickChoice(r, etfExchanges),
		etf:      true,
		lot:      100,
		listed:   g.listingDay(firstETF),
	}
	if sec.exchange == nasdaq {
		sec.category = pickChoice(r, nasdaqTiers)
	}
	sec.symbol = g.symbol(symbolWords(name), pickChoice(r, etfSymbolLen))
	g.out = append(g.out, sec)
}

// shareClass names what a company lists: foreign issuers list depositary
// or ordinary shares.
func (g *stockGen) shareClass(form string) string {
	switch form {
	case "Ltd.", "plc", "N.V.", "S.A.":
		if g.r.chance(50) {
			return "American Depositary Shares"
		}
		return "Ordinary Shares"
	}
	if g.r.chance(10) {
		return "Class A Common Stock"
	}
	return "Common Stock"
}

// uniqueName joins a word of each list into a name not used before.
func (g *stockGen) uniqueName(first, second []string) string {
	for {
		name := first[g.r.intn(len(first))] + " " + second[g.r.intn(len(second))]
		if !g.names[name] {
			g.names[name] = true
			return name
		}
	}
}

// symbol returns an unused ticker of about n letters derived from words.
// When every natural ticker is taken it keeps the first letter and draws
// the rest, as exchanges do for late arrivals.
func (g *stockGen) symbol(words []string, n int) string {
	for _, s := range symbolCandidates(words, n) {
		if !g.symbols[s] {
			g.symbols[s] = true
			return s
		}
	}
	n = max(n, 3)
	for tries := 0; ; tries++ {
		if tries > 0 && tries%50 == 0 && n < 4 {
			n++
		}
		b := []byte{words[0][0]}
		for len(b) < n {
			b = append(b, g.r.letter())
		}
		if s := string(b); !g.symbols[s] {
			g.symbols[s] = true
			return s
		}
	}
}

// listingDay returns a weekday between from and the end of 2025, more
// likely recent, as listings have grown in number.
func (g *stockGen) listingDay(from int) int {
	span := lastListing - from + 1
	day := from + max(g.r.intn(span), g.r.intn(span))

	// Day 0 was a Thursday; move weekend days to the Monday after.
	switch (day + 3) % 7 {
	case 5:
		day += 2
	case 6:
		day++
	}
	return day
}

package sample

import "strings"

// Company names join a brand and a line of business: "Cobalt Robotics".
var (
	brands = []string{
		"Acme", "Apex", "Arbor", "Atlas", "Aurora", "Beacon", "Birch",
		"Blue Ridge", "Boulder", "Bright", "Cardinal", "Cascade", "Cedar",
		"Century", "Clearwater", "Coastal", "Cobalt", "Comet", "Compass",
		"Copper", "Crescent", "Crystal", "Delta", "Eagle", "Echo", "Element",
		"Ember", "Evergreen", "Falcon", "First", "Frontier", "Galaxy",
		"Gateway", "Glacier", "Granite", "Harbor", "Harvest", "Heritage",
		"Horizon", "Hudson", "Iron", "Ivory", "Jade", "Juniper", "Keystone",
		"Lakeside", "Liberty", "Lighthouse", "Linden", "Lumen", "Magnolia",
		"Maple", "Marble", "Meridian", "Mesa", "Midland", "Monarch", "Nexus",
		"Noble", "North Star", "Northwind", "Nova", "Oak", "Ocean", "Olympic",
		"Onyx", "Orbit", "Pacific", "Palisade", "Paragon", "Peak", "Pinnacle",
		"Pioneer", "Polar", "Prairie", "Prime", "Quantum", "Quarry", "Radiant",
		"Redwood", "Ridge", "Riverbend", "Sable", "Sage", "Sentinel", "Sequoia",
		"Sierra", "Silver", "Skyline", "Solstice", "Sterling", "Stone",
		"Summit", "Sunrise", "Terra", "Titan", "Trident", "Union", "United",
		"Valley", "Vanguard", "Vector", "Vertex", "Vista", "Willow", "Zenith",
	}
	businesses = []string{
		"Robotics", "Therapeutics", "Biosciences", "Pharmaceuticals",
		"Bancorp", "Financial", "Capital", "Energy", "Resources", "Minerals",
		"Semiconductor", "Software", "Systems", "Networks", "Communications",
		"Media", "Entertainment", "Foods", "Brands", "Retail", "Apparel",
		"Motors", "Aerospace", "Logistics", "Shipping", "Airlines", "Realty",
		"Properties", "Homes", "Industries", "Materials", "Chemicals",
		"Healthcare", "Medical", "Diagnostics", "Genomics", "Insurance",
		"Utilities", "Power", "Water", "Solar", "Technologies", "Data",
		"Analytics", "Security", "Gaming", "Hospitality", "Instruments",
	}
)

// ETF names join a sponsor and a strategy: "Tidewater Clean Energy ETF".
var (
	etfSponsors = []string{
		"Beacon", "Summit", "Keystone", "Northwind", "Harbor Point",
		"Meridian", "Granite Peak", "Bluewater", "Cedar Lane", "Ironbridge",
		"Lakeshore", "Polaris", "Redstone", "Silverline", "Tidewater",
	}
	etfStrategies = []string{
		"Large-Cap Index", "Total Bond Market", "Clean Energy",
		"Semiconductor", "Dividend Growth", "Short-Term Treasury",
		"Emerging Markets", "Small-Cap Value", "Cybersecurity", "Gold Miners",
		"Real Estate", "Healthcare Innovation", "Ultra-Short Income",
		"Municipal Bond", "International Equity", "Momentum Factor",
		"Quality Factor", "Low Volatility", "High Yield Bond",
		"Robotics & AI", "Water Resources", "Infrastructure", "Biotech",
		"Regional Banks", "Oil & Gas Exploration", "Mid-Cap Growth",
		"ESG Leaders", "Covered Call", "Inflation-Protected Bond",
		"Equal Weight", "Aggregate Bond", "Cloud Computing", "Lithium & Battery",
		"Consumer Staples", "Utilities Select", "Frontier Markets",
		"Treasury Floating Rate", "Quantum Computing", "Space & Defense",
		"Agriculture",
	}
)

// symbolWords returns the words of a name as uppercase letters, splitting
// at anything that is not a letter.
func symbolWords(name string) []string {
	return strings.FieldsFunc(strings.ToUpper(name), func(c rune) bool {
		return c < 'A' || c > 'Z'
	})
}

// symbolCandidates returns tickers of n letters that a listing desk might
// derive from a name's words, most natural first.
func symbolCandidates(words []string, n int) []string {
	var out []string
	if len(words) >= n {
		var b strings.Builder
		for _, w := range words[:n] {
			b.WriteByte(w[0])
		}
		out = append(out, b.String())
	}

	// Leading letters of the first word, topped up from the next words.
	for a := min(n, len(words[0])); a >= 1; a-- {
		s := words[0][:a]
		for _, w := range words[1:] {
			s += w[:min(n-len(s), len(w))]
		}
		if len(s) == n {
			out = append(out, s)
		}
	}

	// The first letter, then consonants.
	s := words[0][:1]
	for k, w := range words {
		for i := range len(w) {
			first := k == 0 && i == 0
			if !first && len(s) < n && !strings.ContainsRune("AEIOU", rune(w[i])) {
				s += w[i : i+1]
			}
		}
	}
	if len(s) == n {
		out = append(out, s)
	}
	return out
}

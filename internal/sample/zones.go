package sample

import (
	"slices"
	"strings"
)

// zone is one taxi zone. Coordinates are the zone's centre in hundredths of
// a mile east (x) and north (y) of Midtown Manhattan.
type zone struct {
	id      int
	borough string
	name    string
	x, y    int
	// pickup and dropoff are relative popularities; zero means never.
	pickup, dropoff int
}

const (
	manhattan    = "Manhattan"
	brooklyn     = "Brooklyn"
	queens       = "Queens"
	bronx        = "Bronx"
	statenIsland = "Staten Island"
	ewr          = "EWR"

	newark = "Newark Airport"
	jfk    = "JFK Airport"
)

// Manhattan's zones run south to north, so that their place in the list
// gives their latitude.
var manhattanZones = []string{
	"Battery Park", "Battery Park City", "Financial District South",
	"Financial District North", "World Trade Center", "Seaport",
	"TriBeCa/Civic Center", "Two Bridges/Seward Park", "Chinatown",
	"Little Italy/NoLiTa", "SoHo", "Hudson Sq", "Lower East Side", "NoHo",
	"Greenwich Village South", "West Village", "Alphabet City", "East Village",
	"Greenwich Village North", "Meatpacking/West Village West", "Union Sq",
	"Stuy Town/Peter Cooper Village", "Flatiron", "Gramercy", "East Chelsea",
	"West Chelsea/Hudson Yards", "Kips Bay", "Penn Station/Madison Sq West",
	"Murray Hill", "Midtown South", "Garment District",
	"Times Sq/Theatre District", "Midtown Center", "UN/Turtle Bay South",
	"Midtown East", "Clinton East", "Clinton West", "Midtown North",
	"Sutton Place/Turtle Bay North", "Roosevelt Island", "Lincoln Square East",
	"Lincoln Square West", "Lenox Hill West", "Lenox Hill East", "Central Park",
	"Upper East Side South", "Upper West Side South", "Yorkville West",
	"Yorkville East", "Upper East Side North", "Upper West Side North",
	"Bloomingdale", "Manhattan Valley", "East Harlem South",
	"Morningside Heights", "Central Harlem", "East Harlem North",
	"Randalls Island", "Central Harlem North", "Hamilton Heights",
	"Highbridge Park", "Washington Heights South", "Washington Heights North",
	"Inwood", "Inwood Hill Park", "Marble Hill",
	// The harbour islands sit off the southern tip.
	"Governor's Island", "Ellis Island", "Liberty Island",
}

var outerZones = map[string][]string{
	brooklyn: {
		"Bath Beach", "Bay Ridge", "Bedford", "Bensonhurst East",
		"Bensonhurst West", "Boerum Hill", "Borough Park", "Brighton Beach",
		"Brooklyn Heights", "Brooklyn Navy Yard", "Brownsville",
		"Bushwick North", "Bushwick South", "Canarsie", "Carroll Gardens",
		"Clinton Hill", "Cobble Hill", "Columbia Street", "Coney Island",
		"Crown Heights North", "Crown Heights South", "Cypress Hills",
		"DUMBO/Vinegar Hill", "Downtown Brooklyn/MetroTech", "Dyker Heights",
		"East Flatbush/Farragut", "East Flatbush/Remsen Village",
		"East New York", "East Williamsburg", "Erasmus",
		"Flatbush/Ditmas Park", "Flatlands", "Fort Greene", "Gowanus",
		"Gravesend", "Green-Wood Cemetery", "Greenpoint", "Kensington",
		"Madison", "Manhattan Beach", "Marine Park/Floyd Bennett Field",
		"Marine Park/Mill Basin", "Midwood", "Ocean Hill",
		"Ocean Parkway South", "Park Slope", "Prospect Heights",
		"Prospect Park", "Prospect-Lefferts Gardens", "Red Hook",
		"Sheepshead Bay", "Starrett City", "Stuyvesant Heights",
		"Sunset Park East", "Sunset Park West", "Williamsburg (North Side)",
		"Williamsburg (South Side)", "Windsor Terrace", "Homecrest",
		"Bergen Beach", "Mapleton",
	},
	queens: {
		"Astoria", "Astoria Park", "Auburndale", "Baisley Park",
		"Bay Terrace/Fort Totten", "Bayside", "Bellerose",
		"Breezy Point/Fort Tilden/Riis Beach", "Briarwood/Jamaica Hills",
		"Broad Channel", "Cambria Heights", "College Point", "Corona",
		"Douglaston", "East Elmhurst", "East Flushing", "Elmhurst",
		"Elmhurst/Maspeth", "Far Rockaway", "Flushing",
		"Flushing Meadows-Corona Park", "Forest Hills",
		"Forest Park/Highland Park", "Fresh Meadows", "Glen Oaks", "Glendale",
		"Hammels/Arverne", "Hillcrest/Pomonok", "Hollis", "Howard Beach",
		jfk, "Jackson Heights", "Jamaica", "Jamaica Bay", "Jamaica Estates",
		"Kew Gardens", "Kew Gardens Hills", "LaGuardia Airport", "Laurelton",
		"Long Island City/Hunters Point", "Long Island City/Queens Plaza",
		"Maspeth", "Middle Village", "Murray Hill-Queens", "North Corona",
		"Oakland Gardens", "Old Astoria", "Ozone Park", "Queens Village",
		"Queensboro Hill", "Queensbridge/Ravenswood", "Rego Park",
		"Richmond Hill", "Ridgewood", "Rockaway Park", "Rosedale",
		"Saint Albans", "Seaside/Rockaway Beach", "South Jamaica",
		"South Ozone Park", "Springfield Gardens North",
		"Springfield Gardens South", "Steinway", "Sunnyside", "Whitestone",
		"Woodhaven", "Woodside", "Dutch Kills", "Little Neck",
	},
	bronx: {
		"Allerton/Pelham Gardens", "Bedford Park", "Belmont", "Bronx Park",
		"Bronxdale", "City Island", "Claremont/Bathgate", "Co-Op City",
		"Country Club", "Crotona Park", "Crotona Park East",
		"East Concourse/Concourse Village", "East Tremont", "Eastchester",
		"Fordham South", "Highbridge", "Hunts Point", "Kingsbridge Heights",
		"Longwood", "Melrose South", "Morrisania/Melrose",
		"Mott Haven/Port Morris", "Mount Hope", "Norwood", "Parkchester",
		"Pelham Bay", "Pelham Bay Park", "Pelham Parkway",
		"Riverdale/North Riverdale/Fieldston", "Rikers Island",
		"Schuylerville/Edgewater Park", "Soundview/Bruckner",
		"Soundview/Castle Hill", "Spuyten Duyvil/Kingsbridge",
		"University Heights/Morris Heights", "Van Cortlandt Park",
		"Van Cortlandt Village", "Van Nest/Morris Park", "West Concourse",
		"West Farms/Bronx River", "Westchester Village/Unionport",
		"Williamsbridge/Olinville", "Woodlawn/Wakefield",
	},
	statenIsland: {
		"Arden Heights", "Arrochar/Fort Wadsworth", "Bloomfield/Emerson Hill",
		"Charleston/Tottenville", "Eltingville/Annadale/Prince's Bay",
		"Freshkills Park", "Grymes Hill/Clifton", "Great Kills",
		"Great Kills Park", "Heartland Village/Todt Hill", "Mariners Harbor",
		"New Dorp/Midland Beach", "Oakwood", "Port Richmond",
		"Rossville/Woodrow", "Saint George/New Brighton",
		"South Beach/Dongan Hills", "Stapleton", "West Brighton", "Westerleigh",
	},
}

// area is the box, in hundredths of a mile, that a borough's zones fill.
type area struct{ x0, x1, y0, y1 int }

var outerAreas = map[string]area{
	brooklyn:     {-300, 700, -1100, -300},
	queens:       {300, 1400, -700, 400},
	bronx:        {0, 700, 850, 1400},
	statenIsland: {-1200, -400, -1600, -800},
}

// fixedPlaces are zones whose position matters to fares and distances.
var fixedPlaces = map[string][2]int{
	newark:              {-1200, -500},
	jfk:                 {1100, -700},
	"LaGuardia Airport": {600, 300},
	"Governor's Island": {-100, -650},
	"Ellis Island":      {-250, -550},
	"Liberty Island":    {-300, -650},
}

// busyZones hold most of the pickups, as the busiest zones of real taxi data
// do; other zones take their borough's default.
var busyZones = map[string]int{
	jfk: 4800, "Midtown Center": 4600, "Upper East Side South": 4500,
	"Upper East Side North": 4100, "Midtown East": 3500,
	"Penn Station/Madison Sq West": 3200, "Times Sq/Theatre District": 3100,
	"LaGuardia Airport": 3000, "Lincoln Square East": 2900,
	"Murray Hill": 2800, "Midtown North": 2600, "Upper West Side South": 2500,
	"Midtown South": 2400, "East Village": 2300, "Union Sq": 2200,
	"Clinton East": 2100, "Lenox Hill West": 2000, "East Chelsea": 1900,
	"Gramercy": 1800, "Flatiron": 1700, "Garment District": 1600,
	"Upper West Side North": 1500, "Kips Bay": 1400, "West Village": 1400,
	"Yorkville West": 1200, "TriBeCa/Civic Center": 1100,
	"Lenox Hill East": 1100, "Sutton Place/Turtle Bay North": 1100,
	"Greenwich Village North": 1000, "West Chelsea/Hudson Yards": 1000,
	"Lincoln Square West": 900, "Greenwich Village South": 900,
	"Clinton West": 900, "Lower East Side": 800, "UN/Turtle Bay South": 800,
	"Meatpacking/West Village West": 800, "Financial District North": 700,
	"SoHo": 700, "Hudson Sq": 600, "Battery Park City": 500,
}

// closedZones see no taxis at all.
var closedZones = map[string]bool{
	"Governor's Island": true, "Ellis Island": true, "Liberty Island": true,
	"Rikers Island": true, "Jamaica Bay": true, "Great Kills Park": true,
	"Freshkills Park": true,
}

var (
	defaultPickup = map[string]int{
		manhattan: 150, brooklyn: 40, queens: 25, bronx: 8, statenIsland: 2, ewr: 15,
	}
	// Riders go home to the outer boroughs more often than they leave them.
	dropoffBaseline = map[string]int{
		manhattan: 300, brooklyn: 150, queens: 100, bronx: 60, statenIsland: 10, ewr: 60,
	}
)

// zoneList holds the zones in id order: Newark Airport is zone 1 and the rest
// follow in name order, as in the city's own zone table.
var zoneList = buildZones()

func buildZones() []zone {
	r := newRNG(3)
	zs := []zone{{borough: ewr, name: newark}}
	for i, name := range manhattanZones {
		zs = append(zs, zone{
			borough: manhattan,
			name:    name,
			x:       r.between(-80, 80),
			y:       manhattanLatitude(i),
		})
	}
	for _, b := range []string{brooklyn, queens, bronx, statenIsland} {
		a := outerAreas[b]
		for _, name := range outerZones[b] {
			zs = append(zs, zone{
				borough: b,
				name:    name,
				x:       r.between(a.x0, a.x1),
				y:       r.between(a.y0, a.y1),
			})
		}
	}

	slices.SortFunc(zs[1:], func(a, b zone) int { return strings.Compare(a.name, b.name) })
	for i := range zs {
		z := &zs[i]
		z.id = i + 1
		if p, ok := fixedPlaces[z.name]; ok {
			z.x, z.y = p[0], p[1]
		}
		if closedZones[z.name] {
			continue
		}
		w, ok := busyZones[z.name]
		if !ok {
			w = defaultPickup[z.borough]
		}
		// Jitter keeps zones of one borough from looking identical.
		z.pickup = w * r.between(60, 140) / 100
		z.dropoff = z.pickup/2 + dropoffBaseline[z.borough]*r.between(60, 140)/100
	}
	return zs
}

// uptown is the index in manhattanZones of the first zone north of 96th
// Street.
var uptown = slices.Index(manhattanZones, "Manhattan Valley")

// manhattanLatitude places the i-th zone of manhattanZones: zones are dense
// from the Battery to 96th Street and sparse north of it.
func manhattanLatitude(i int) int {
	if i < uptown {
		return -450 + i*800/uptown
	}
	return 350 + (i-uptown)*500/(len(manhattanZones)-uptown)
}

package e2e

import (
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gantry-dev/gantry/internal/auth"
)

// testSecret signs the secured servers' tokens in these tests.
const testSecret = "e2e-secret-0123456789-abcdefghijklmnopqrstuvwxyz"

func securedConfig(t testing.TB, extra string) string {
	return openConfig(t) + "  api_security: !Jwt " + testSecret + "\n" + extra
}

var (
	secSrvOnce sync.Once
	secSrv     *process
)

// securedServer is a shared gantry with api_security on.
func securedServer(t *testing.T) *process {
	openServer(t) // generates the shared sample data first
	secSrvOnce.Do(func() { secSrv = startShared(t, securedConfig(t, "")) })
	if secSrv == nil {
		t.Fatal("secured server failed to start")
	}
	return secSrv
}

// generateToken runs `gantry api generate-token` against a config file.
func generateToken(t *testing.T, args ...string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	path := dir + "/gantry.yaml"
	writeFile(t, path, securedConfig(t, ""))
	cmd := exec.Command(gantryBinary(t), append([]string{"api", "generate-token", "--config", path}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%v: %s", err, stderr.String())
	}
	return string(out), nil
}

// tokenSet holds one token of each kind the matrix uses.
type tokenSet struct {
	master, cash, multi, expired, wrongKey, algNone string
}

var (
	tokensOnce sync.Once
	tokens     tokenSet
)

// matrixTokens mints the tokens through the server's own routes, the way a
// user would, plus hostile ones signed outside it.
func matrixTokens(t *testing.T, srv *process) tokenSet {
	tokensOnce.Do(func() {
		out, err := generateToken(t)
		if err != nil {
			t.Fatal(err)
		}
		master := strings.TrimSpace(out)
		mint := func(access string) string {
			var res struct{ Token string }
			call(t, "POST", srv.URL()+"/auth/token", access, "Authorization", "Bearer "+master).
				want(t, 200).decode(t, &res)
			return res.Token
		}
		past := time.Now().Add(-2 * time.Hour)
		old, err := auth.NewAuthority([]byte(testSecret), auth.Options{Now: func() time.Time { return past }})
		if err != nil {
			t.Fatal(err)
		}
		expired, _, err := old.Mint(auth.Access{All: true}, time.Hour, nil)
		if err != nil {
			t.Fatal(err)
		}
		other, _ := auth.NewAuthority([]byte(strings.Repeat("k", 48)), auth.Options{})
		wrongKey, _, _ := other.Mint(auth.Access{All: true}, time.Hour, nil)
		tokens = tokenSet{
			master: master,
			cash: mint(`{"Custom": {"trips_cache": {"filter": {"payment_type": "Cash"},
				"fields": ["trip_id", "fare_amount", "payment_type"]}}}`),
			multi: mint(`{"Custom": {"pickup": {"filter": {"borough": "Queens"}},
				"trips_cache": {"filter": {"passenger_count": {"$gte": 3}}, "fields": ["trip_id", "passenger_count"]}}}`),
			expired:  expired,
			wrongKey: wrongKey,
			algNone:  unsignedToken(master),
		}
	})
	if tokens.master == "" {
		t.Fatal("tokens were not minted")
	}
	return tokens
}

// unsignedToken rewrites a real token's header to alg none and drops the
// signature: the classic forgery.
func unsignedToken(real string) string {
	parts := strings.Split(real, ".")
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	return header + "." + parts[1] + "."
}

// expectation is what the store says a token may see.
type expectation struct {
	code     string            // "" when the call succeeds
	endpoint map[string]string // endpoint → SQL condition, for allowed endpoints
	fields   map[string][]string
}

func (e expectation) allows(ep string) bool {
	_, ok := e.endpoint[ep]
	return e.code == "" && ok
}

var (
	tripFields   = []string{"trip_id", "pickup_at", "dropoff_at", "pickup_location_id", "dropoff_location_id", "passenger_count", "trip_distance", "fare_amount", "tip_amount", "payment_type"}
	pickupFields = []string{"zone_id", "borough", "zone", "pickups", "last_pickup_at"}
	stockFields  = []string{"symbol", "security_name", "listing_exchange", "market_category", "etf", "round_lot_size", "financial_status", "listed_on"}
)

func expectations(tok tokenSet) map[string]struct {
	token string
	want  expectation
} {
	all := expectation{
		endpoint: map[string]string{"trips_cache": "1", "pickup": "1", "stocks_meta": "1"},
		fields:   map[string][]string{"trips_cache": tripFields, "pickup": pickupFields, "stocks_meta": stockFields},
	}
	rejected := expectation{code: "unauthenticated"}
	return map[string]struct {
		token string
		want  expectation
	}{
		"none":   {"", rejected},
		"master": {tok.master, all},
		"custom-cash": {tok.cash, expectation{
			endpoint: map[string]string{"trips_cache": "payment_type = 'Cash'"},
			fields:   map[string][]string{"trips_cache": {"trip_id", "fare_amount", "payment_type"}},
		}},
		"custom-multi": {tok.multi, expectation{
			endpoint: map[string]string{"trips_cache": "passenger_count >= 3", "pickup": "borough = 'Queens'"},
			fields:   map[string][]string{"trips_cache": {"trip_id", "passenger_count"}, "pickup": pickupFields},
		}},
		"expired":   {tok.expired, rejected},
		"wrong-key": {tok.wrongKey, rejected},
		"alg-none":  {tok.algNone, rejected},
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// matrixEndpoint describes how the matrix queries one endpoint.
type matrixEndpoint struct {
	name, path, key string
	userFilter      string // JSON on the key field
	userSQL         string
}

var matrixEndpoints = []matrixEndpoint{
	{"trips_cache", "/trips", "trip_id", `{"trip_id": {"$lte": 600}}`, "trip_id <= 600"},
	{"pickup", "/pickup", "zone_id", `{"zone_id": {"$lte": 200}}`, "zone_id <= 200"},
	{"stocks_meta", "/stocks-meta", "symbol", `{"symbol": {"$gte": "M"}}`, "symbol >= 'M'"},
}

// TestSecurityMatrix compares every protocol's answer to every operation,
// for every kind of token, with what the store holds under the token's
// combined filter and fields.
func TestSecurityMatrix(t *testing.T) {
	srv := securedServer(t)
	tok := matrixTokens(t, srv)
	for _, proto := range protocolClients(t, srv) {
		for tokName, tc := range expectations(tok) {
			t.Run(proto.name()+"/"+tokName, func(t *testing.T) {
				t.Parallel()
				checkMatrix(t, proto, tc.token, tc.want)
			})
		}
	}
}

func checkMatrix(t *testing.T, c protocolClient, token string, want expectation) {
	for _, ep := range matrixEndpoints {
		expectCode := want.code
		if expectCode == "" && !want.allows(ep.name) {
			expectCode = "permission_denied"
		}
		cond := want.endpoint[ep.name]
		query := fmt.Sprintf(`{"$filter": %s, "$order_by": {"%s": "asc"}, "$limit": 25}`, ep.userFilter, ep.key)

		t.Run(ep.name+"/query", func(t *testing.T) {
			got := c.query(t, token, ep, query)
			if !sameCode(t, got, expectCode) || expectCode != "" {
				return
			}
			wantKeys := oracleKeys(t, fmt.Sprintf(`SELECT %s FROM %s WHERE (%s) AND (%s) ORDER BY %s LIMIT 25`,
				ep.key, ep.name, cond, ep.userSQL, ep.key))
			if strings.Join(got.keys, ",") != strings.Join(wantKeys, ",") {
				t.Fatalf("keys %v, store says %v", got.keys, wantKeys)
			}
			checkFields(t, got, want.fields[ep.name])
		})
		t.Run(ep.name+"/count", func(t *testing.T) {
			got := c.count(t, token, ep, fmt.Sprintf(`{"$filter": %s}`, ep.userFilter))
			if !sameCode(t, got, expectCode) || expectCode != "" {
				return
			}
			n := oracleInt(t, fmt.Sprintf(`SELECT count(*) FROM %s WHERE (%s) AND (%s)`, ep.name, cond, ep.userSQL))
			if got.count != n {
				t.Fatalf("count %d, store says %d", got.count, n)
			}
		})
		t.Run(ep.name+"/get", func(t *testing.T) {
			inside := oracleKeys(t, fmt.Sprintf(`SELECT %s FROM %s WHERE %s ORDER BY rowid LIMIT 1`,
				ep.key, ep.name, nonEmpty(cond)))
			got := c.get(t, token, ep, inside[0])
			if !sameCode(t, got, expectCode) {
				return
			}
			if expectCode == "" && (len(got.keys) != 1 || got.keys[0] != inside[0] ||
				strings.Join(got.fields, ",") != strings.Join(want.fields[ep.name], ",")) {
				t.Fatalf("get %s = %+v", inside[0], got)
			}
			if expectCode != "" || cond == "1" {
				return
			}
			// A record outside the row filter must look exactly like a missing one.
			outside := oracleKeys(t, fmt.Sprintf(`SELECT %s FROM %s WHERE NOT (%s) ORDER BY rowid LIMIT 1`,
				ep.key, ep.name, cond))
			sameCode(t, c.get(t, token, ep, outside[0]), "not_found")
		})
		t.Run(ep.name+"/fields", func(t *testing.T) {
			got := c.fields(t, token, ep)
			if sameCode(t, got, expectCode) && expectCode == "" &&
				strings.Join(got.fields, ",") != strings.Join(want.fields[ep.name], ",") {
				t.Fatalf("fields %v, want %v", got.fields, want.fields[ep.name])
			}
		})
		if want.allows(ep.name) && len(want.fields[ep.name]) < len(allFields(ep.name)) {
			t.Run(ep.name+"/hidden-field-probe", func(t *testing.T) {
				hidden := firstHidden(ep.name, want.fields[ep.name])
				probe := fmt.Sprintf(`{"$filter": {"%s": {"$gt": 0}}}`, hidden)
				sameCode(t, c.count(t, token, ep, probe), "invalid_argument")
				order := fmt.Sprintf(`{"$order_by": {"%s": "desc"}}`, hidden)
				sameCode(t, c.query(t, token, ep, order), "invalid_argument")
			})
		}
	}
	t.Run("endpoints", func(t *testing.T) {
		got := c.endpoints(t, token)
		if !sameCode(t, got, want.code) || want.code != "" {
			return
		}
		var names []string
		for _, ep := range matrixEndpoints {
			if want.allows(ep.name) {
				names = append(names, ep.name)
			}
		}
		if strings.Join(sorted(got.keys), ",") != strings.Join(sorted(names), ",") {
			t.Fatalf("endpoints %v, want %v", got.keys, names)
		}
	})
}

// checkFields compares the fields an answer showed with those the token may
// see; typed answers may leave out zero values but never show more.
func checkFields(t *testing.T, got outcome, want []string) {
	t.Helper()
	if got.fieldsSubset {
		for _, f := range got.fields {
			if !slices.Contains(want, f) {
				t.Fatalf("field %s is shown but not granted (granted %v)", f, want)
			}
		}
		return
	}
	if strings.Join(got.fields, ",") != strings.Join(want, ",") {
		t.Fatalf("fields %v, want %v", got.fields, want)
	}
}

func nonEmpty(cond string) string {
	if cond == "" {
		return "1"
	}
	return cond
}

func allFields(ep string) []string {
	return map[string][]string{"trips_cache": tripFields, "pickup": pickupFields, "stocks_meta": stockFields}[ep]
}

func firstHidden(ep string, visible []string) string {
	shown := map[string]bool{}
	for _, f := range visible {
		shown[f] = true
	}
	for _, f := range allFields(ep) {
		if !shown[f] && f != "pickup_at" && f != "dropoff_at" && f != "payment_type" {
			return f
		}
	}
	return ""
}

func sameCode(t *testing.T, got outcome, want string) bool {
	t.Helper()
	if got.code != want {
		t.Fatalf("code %q (%s), want %q", got.code, got.message, want)
		return false
	}
	return true
}

func oracleKeys(t *testing.T, q string) []string {
	t.Helper()
	rows, err := oracle(t).Query(q)
	if err != nil {
		t.Fatalf("oracle %q: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v any
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(v))
	}
	return out
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

type httpResult struct {
	Status int
	Header http.Header
	Body   []byte
}

// call sends one HTTP request with net/http; headers alternate name, value.
func call(t *testing.T, method, url, body string, headers ...string) httpResult {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctxFor(t), method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return httpResult{resp.StatusCode, resp.Header, b}
}

func (r httpResult) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

func (r httpResult) want(t *testing.T, status int) httpResult {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body %s", r.Status, status, r.Body)
	}
	return r
}

func TestRESTRoutes(t *testing.T) {
	srv := openServer(t)
	base := srv.URL()

	t.Run("root lists endpoint paths", func(t *testing.T) {
		var paths []string
		call(t, "GET", base+"/", "").want(t, 200).decode(t, &paths)
		if strings.Join(paths, ",") != "/pickup,/stocks-meta,/trips" {
			t.Fatalf("paths = %v", paths)
		}
	})
	t.Run("health", func(t *testing.T) {
		var h map[string]string
		call(t, "GET", base+"/health", "").want(t, 200).decode(t, &h)
		if h["status"] != "SERVING" {
			t.Fatalf("health = %v", h)
		}
	})
	t.Run("list returns the default page in id order", func(t *testing.T) {
		var recs []map[string]any
		call(t, "GET", base+"/trips", "").want(t, 200).decode(t, &recs)
		if len(recs) != 50 {
			t.Fatalf("got %d records, want 50", len(recs))
		}
		want := oracleInts(t, `SELECT trip_id FROM trips_cache ORDER BY rowid LIMIT 50`)
		for i, r := range recs {
			if int64(r["trip_id"].(float64)) != want[i] {
				t.Fatalf("record %d trip_id %v, want %d", i, r["trip_id"], want[i])
			}
		}
	})
	t.Run("list with trailing slash", func(t *testing.T) {
		call(t, "GET", base+"/trips/", "").want(t, 200)
	})
	t.Run("record keys follow the schema order", func(t *testing.T) {
		r := call(t, "GET", base+"/trips/7", "").want(t, 200)
		dec := json.NewDecoder(strings.NewReader(string(r.Body)))
		var keys []string
		dec.Token()
		for dec.More() {
			k, _ := dec.Token()
			keys = append(keys, k.(string))
			var skip json.RawMessage
			dec.Decode(&skip)
		}
		want := "trip_id,pickup_at,dropoff_at,pickup_location_id,dropoff_location_id," +
			"passenger_count,trip_distance,fare_amount,tip_amount,payment_type," +
			"__dozer_record_id,__dozer_record_version"
		if strings.Join(keys, ",") != want {
			t.Fatalf("keys %v", keys)
		}
	})
	t.Run("get by id", func(t *testing.T) {
		var rec map[string]any
		call(t, "GET", base+"/trips/42", "").want(t, 200).decode(t, &rec)
		if rec["trip_id"].(float64) != 42 {
			t.Fatalf("record %v", rec)
		}
		ts, ok := rec["pickup_at"].(string)
		if !ok || !strings.HasSuffix(ts, "Z") || len(ts) != len("2024-01-01T00:00:00.000Z") {
			t.Fatalf("pickup_at %v is not RFC 3339 with milliseconds", rec["pickup_at"])
		}
		var stock map[string]any
		sym := oracleString(t, `SELECT symbol FROM stocks_meta ORDER BY rowid LIMIT 1`)
		call(t, "GET", base+"/stocks-meta/"+sym, "").want(t, 200).decode(t, &stock)
		if stock["symbol"] != sym {
			t.Fatalf("stock %v", stock)
		}
	})
	t.Run("missing id is 404", func(t *testing.T) {
		call(t, "GET", base+"/trips/999999999", "").want(t, 404)
	})
	t.Run("count matches the store", func(t *testing.T) {
		total := oracleInt(t, `SELECT count(*) FROM trips_cache`)
		var n int64
		call(t, "POST", base+"/trips/count", "").want(t, 200).decode(t, &n)
		if n != total {
			t.Fatalf("count %d, store %d", n, total)
		}
		call(t, "POST", base+"/trips/count", `{"$filter":{"fare_amount":{"$gt":40},"payment_type":"Cash"}}`,
			"Content-Type", "application/json; charset=utf-8").want(t, 200).decode(t, &n)
		want := oracleInt(t, `SELECT count(*) FROM trips_cache WHERE fare_amount > 40 AND payment_type = 'Cash'`)
		if n != want || n == 0 {
			t.Fatalf("filtered count %d, store %d", n, want)
		}
		call(t, "POST", base+"/trips/count", `{"$limit":11}`).want(t, 200).decode(t, &n)
		if n != 11 {
			t.Fatalf("count with $limit 11 = %d (Dozer counts within the page)", n)
		}
	})
	t.Run("query with order, range and skip", func(t *testing.T) {
		var recs []map[string]any
		body := `{"$filter":{"$and":[{"fare_amount":{"$gte":10}},{"fare_amount":{"$lt":12.5}}],` +
			`"trip_distance":{"$gt":1}},"$order_by":{"fare_amount":"desc","trip_id":"asc"},"$limit":7,"$skip":3}`
		call(t, "POST", base+"/trips/query", body).want(t, 200).decode(t, &recs)
		want := oracleInts(t, `SELECT trip_id FROM trips_cache WHERE fare_amount >= 10 AND fare_amount < 12.5
			AND trip_distance > 1 ORDER BY fare_amount DESC, trip_id ASC LIMIT 7 OFFSET 3`)
		if len(recs) != len(want) || len(want) != 7 {
			t.Fatalf("got %d records, want %d", len(recs), len(want))
		}
		for i := range want {
			if int64(recs[i]["trip_id"].(float64)) != want[i] {
				t.Fatalf("record %d = %v, want trip %d", i, recs[i]["trip_id"], want[i])
			}
		}
	})
	t.Run("phase", func(t *testing.T) {
		var phase string
		call(t, "POST", base+"/trips/phase", "").want(t, 200).decode(t, &phase)
		if phase != "Streaming" {
			t.Fatalf("phase %q", phase)
		}
	})
	t.Run("oapi", func(t *testing.T) {
		var doc struct {
			OpenAPI string                    `json:"openapi"`
			Paths   map[string]map[string]any `json:"paths"`
		}
		call(t, "POST", base+"/trips/oapi", "").want(t, 200).decode(t, &doc)
		if doc.OpenAPI != "3.0.0" || len(doc.Paths) != 4 || doc.Paths["/trips/{id}"]["get"] == nil {
			t.Fatalf("doc %+v", doc)
		}
	})
}

func oracleString(t *testing.T, q string, args ...any) string {
	t.Helper()
	var s string
	if err := oracle(t).QueryRow(q, args...).Scan(&s); err != nil {
		t.Fatalf("oracle %q: %v", q, err)
	}
	return s
}

// TestRESTBadInput checks that caller mistakes are 4xx with a message that
// names the problem, never a 500.
func TestRESTBadInput(t *testing.T) {
	base := openServer(t).URL()
	cases := []struct {
		name, method, path, body, contentType string
		status                                int
		mention                               string
	}{
		{"unknown field", "POST", "/trips/query", `{"$filter":{"nope":1}}`, "", 400, "nope"},
		{"wrong type", "POST", "/trips/query", `{"$filter":{"fare_amount":"high"}}`, "", 400, "fare_amount"},
		{"bad operator", "POST", "/trips/count", `{"$filter":{"fare_amount":{"$near":1}}}`, "", 400, "$near"},
		{"skip with after", "POST", "/trips/query", `{"$skip":1,"$after":2}`, "", 400, "$after"},
		{"negative limit", "POST", "/trips/query", `{"$limit":-1}`, "", 400, "$limit"},
		{"oversized limit", "POST", "/trips/query", `{"$limit":100000}`, "", 400, "$limit"},
		{"malformed json", "POST", "/trips/query", `{"$filter":`, "", 400, ""},
		{"unknown top-level key", "POST", "/trips/query", `{"$where":1}`, "", 400, "$where"},
		{"not json content type", "POST", "/trips/query", `{}`, "text/plain", 415, "text/plain"},
		{"bad id type", "GET", "/trips/abc", "", "", 400, "abc"},
		{"unknown route", "GET", "/nope", "", "", 404, "/nope"},
		{"wrong method", "DELETE", "/trips", "", "", 405, "DELETE"},
		{"mint without security", "POST", "/auth/token", `"All"`, "", 422, "api_security"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			headers := []string{}
			if c.contentType != "" {
				headers = []string{"Content-Type", c.contentType}
			}
			r := call(t, c.method, base+c.path, c.body, headers...).want(t, c.status)
			var e struct{ Code, Message string }
			r.decode(t, &e)
			if e.Message == "" || !strings.Contains(e.Message, c.mention) {
				t.Fatalf("message %q does not mention %q", e.Message, c.mention)
			}
		})
	}
}

// httpGet returns the status of a GET.
func httpGet(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

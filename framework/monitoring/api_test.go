package monitoring

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestClientReportsAPIErrors(t *testing.T) {
	srv, _ := fakePrometheus(t, [][]Alert{nil})
	if _, err := NewClient(srv.URL).Alerts(context.Background()); err == nil || !strings.Contains(err.Error(), "starting") {
		t.Errorf("Alerts() err %v, want the API's error", err)
	}
	if _, err := NewClient(srv.URL).Rules(context.Background()); err == nil || !strings.Contains(err.Error(), "/api/v1/rules") {
		t.Errorf("Rules() err %v, want one naming /api/v1/rules", err)
	}
}

func TestClientQuery(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch q := r.URL.Query().Get("query"); q {
		case `up{job="x"}`:
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"x","region":"r1"},"value":[1.5,"0"]},{"metric":{"job":"x"},"value":[1.5,"1"]}]}}`)
		case "1+1":
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"scalar","result":[1.5,"2"]}}`)
		default:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"status":"error","errorType":"bad_data","error":"parse error in %s"}`, q)
		}
	}))
	t.Cleanup(srv.Close)
	c := NewClient(srv.URL)
	got, err := c.Query(context.Background(), `up{job="x"}`)
	if err != nil || len(got) != 2 || got[0].Labels["region"] != "r1" || got[0].Value != 0 || got[1].Value != 1 {
		t.Errorf("vector query = %+v, %v", got, err)
	}
	if got, err := c.Query(context.Background(), "1+1"); err != nil || len(got) != 1 || got[0].Value != 2 {
		t.Errorf("scalar query = %+v, %v", got, err)
	}
	if _, err := c.Query(context.Background(), "up{"); err == nil || !strings.Contains(err.Error(), "parse error in up{") {
		t.Errorf("bad query: err %v, want the API's error", err)
	}
}

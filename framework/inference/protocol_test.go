package inference_test

import (
	"strings"
	"testing"

	"gameday.io/gameday/framework/inference"
)

func TestParseInferRequest(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    [][]float64
		wantErr string
	}{
		{name: "flat 2x4", body: `{"id":"a","inputs":[{"name":"input-0","shape":[2,4],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}`,
			want: [][]float64{{1, 2, 3, 4}, {5, 6, 7, 8}}},
		{name: "nested 2x4", body: `{"inputs":[{"name":"input-0","shape":[2,4],"datatype":"FP64","data":[[1,2,3,4],[5,6,7,8]]}]}`,
			want: [][]float64{{1, 2, 3, 4}, {5, 6, 7, 8}}},
		{name: "one instance shape [4]", body: `{"inputs":[{"name":"input-0","shape":[4],"datatype":"INT32","data":[1,2,3,4]}]}`,
			want: [][]float64{{1, 2, 3, 4}}},
		{name: "requested output", body: `{"inputs":[{"name":"input-0","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}],"outputs":[{"name":"output-0"}]}`,
			want: [][]float64{{1, 2, 3, 4}}},
		{name: "empty batch", body: `{"inputs":[{"name":"input-0","shape":[0,4],"datatype":"FP32","data":[]}]}`, want: [][]float64{}},
		{name: "not json", body: `{`, wantErr: "not a valid inference request"},
		{name: "no inputs", body: `{"inputs":[]}`, wantErr: "want exactly 1 input"},
		{name: "two inputs", body: `{"inputs":[{"name":"input-0"},{"name":"input-1"}]}`, wantErr: "want exactly 1 input"},
		{name: "unknown input", body: `{"inputs":[{"name":"x","shape":[4],"datatype":"FP32","data":[1,2,3,4]}]}`, wantErr: `unknown input "x"`},
		{name: "unknown output", body: `{"inputs":[{"name":"input-0","shape":[4],"datatype":"FP32","data":[1,2,3,4]}],"outputs":[{"name":"y"}]}`, wantErr: `unknown output "y"`},
		{name: "bytes datatype", body: `{"inputs":[{"name":"input-0","shape":[4],"datatype":"BYTES","data":[1,2,3,4]}]}`, wantErr: `datatype "BYTES" is not supported`},
		{name: "wrong features", body: `{"inputs":[{"name":"input-0","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}`, wantErr: "does not fit the model"},
		{name: "3d shape", body: `{"inputs":[{"name":"input-0","shape":[1,1,4],"datatype":"FP32","data":[1,2,3,4]}]}`, wantErr: "does not fit the model"},
		{name: "negative dim", body: `{"inputs":[{"name":"input-0","shape":[-1,4],"datatype":"FP32","data":[1,2,3,4]}]}`, wantErr: "negative dimension"},
		{name: "too few elements", body: `{"inputs":[{"name":"input-0","shape":[2,4],"datatype":"FP32","data":[1,2,3,4]}]}`, wantErr: "wants 8 elements, data has 4"},
		{name: "string element", body: `{"inputs":[{"name":"input-0","shape":[4],"datatype":"FP32","data":[1,"2",3,4]}]}`, wantErr: "is not a number"},
		{name: "null element", body: `{"inputs":[{"name":"input-0","shape":[4],"datatype":"FP32","data":[1,null,3,4]}]}`, wantErr: "contains null"},
		{name: "missing data", body: `{"inputs":[{"name":"input-0","shape":[4],"datatype":"FP32"}]}`, wantErr: "data"},
		{name: "fraction in INT", body: `{"inputs":[{"name":"input-0","shape":[4],"datatype":"INT8","data":[1,2.5,3,4]}]}`, wantErr: "not a valid INT8"},
		{name: "negative UINT", body: `{"inputs":[{"name":"input-0","shape":[4],"datatype":"UINT8","data":[1,-2,3,4]}]}`, wantErr: "not a valid UINT8"},
		{name: "INT8 overflow", body: `{"inputs":[{"name":"input-0","shape":[4],"datatype":"INT8","data":[1,200,3,4]}]}`, wantErr: "not a valid INT8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got, err := inference.ParseInferRequest([]byte(tt.body), 4)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d rows, want %d", len(got), len(tt.want))
			}
			for i := range got {
				for j := range got[i] {
					if got[i][j] != tt.want[i][j] {
						t.Fatalf("row %d = %v, want %v", i, got[i], tt.want[i])
					}
				}
			}
		})
	}
}

func TestParsePredictRequest(t *testing.T) {
	tests := []struct {
		name, body, wantErr string
		rows                int
	}{
		{name: "runbook", body: `{"instances": [[1,2,3,4]]}`, rows: 1},
		{name: "batch", body: `{"instances": [[1,2,3,4],[0,0,0,0]]}`, rows: 2},
		{name: "empty", body: `{"instances": []}`, wantErr: "at least one instance"},
		{name: "missing", body: `{}`, wantErr: "at least one instance"},
		{name: "short row", body: `{"instances": [[1,2,3]]}`, wantErr: "instances[0] has 3 numbers, the model wants 4"},
		{name: "not numbers", body: `{"instances": [["a"]]}`, wantErr: "not a valid predict request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := inference.ParsePredictRequest([]byte(tt.body), 4)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(rows) != tt.rows {
				t.Fatalf("rows = %v, err = %v; want %d rows", rows, err, tt.rows)
			}
		})
	}
}

func FuzzParseInferRequest(f *testing.F) {
	f.Add([]byte(`{"inputs":[{"name":"input-0","shape":[2,4],"datatype":"FP32","data":[[1,2,3,4],[5,6,7,8]]}]}`))
	f.Add([]byte(`{"inputs":[{"name":"input-0","shape":[4],"datatype":"UINT8","data":[1,2,3,4]}]}`))
	f.Add([]byte(`{"inputs":[{"name":"input-0","shape":[1,4],"datatype":"FP32","data":[[[[1]]],2,3,4]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		_, rows, err := inference.ParseInferRequest(body, 4)
		if err != nil {
			return
		}
		for _, r := range rows {
			if len(r) != 4 {
				t.Fatalf("accepted a row of %d features", len(r))
			}
		}
	})
}

func FuzzParsePredictRequest(f *testing.F) {
	f.Add([]byte(`{"instances": [[1,2,3,4]]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rows, err := inference.ParsePredictRequest(body, 4)
		if err != nil {
			return
		}
		if len(rows) == 0 {
			t.Fatal("accepted an empty request")
		}
		for _, r := range rows {
			if len(r) != 4 {
				t.Fatalf("accepted a row of %d features", len(r))
			}
		}
	})
}

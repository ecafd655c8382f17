package reports

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestIndentJSON(t *testing.T) {
	in := `{"a":[1,2],"b":{"c":"x,y]}","d":[{"t":0,"s":{"r":1}},{"t":1}]},"e":[],"f":{},"long":[` +
		`{"k":"` + string(bytes.Repeat([]byte("v"), 200)) + `"}]}`
	var out bytes.Buffer
	indentJSON(&out, []byte(in), 0, false)
	want := `{
  "a": [1,2],
  "b": {
    "c": "x,y]}",
    "d": [
      {"t":0,"s":{"r":1}},
      {"t":1}
    ]
  },
  "e": [],
  "f": {},
  "long": [
    {
      "k": "` + string(bytes.Repeat([]byte("v"), 200)) + `"
    }
  ]
}`
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// FuzzIndentJSON: the indented form of any compact JSON compacts back to it.
func FuzzIndentJSON(f *testing.F) {
	f.Add(`{"a":[1,{"b":"c\"}"}],"d":null}`)
	f.Add(`[[],[[]],{"":""}]`)
	f.Add(`"just a string"`)
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return
		}
		compact, err := json.Marshal(v)
		if err != nil {
			return
		}
		var out bytes.Buffer
		indentJSON(&out, compact, 0, false)
		var back bytes.Buffer
		if err := json.Compact(&back, out.Bytes()); err != nil {
			t.Fatalf("indented output is not JSON: %v\n%s", err, out.String())
		}
		if !bytes.Equal(back.Bytes(), compact) {
			t.Fatalf("round trip changed the value:\n%s\n%s", compact, back.Bytes())
		}
	})
}

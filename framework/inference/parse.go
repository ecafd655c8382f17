package inference

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
)

// numeric datatypes the model accepts, with the integer range they allow
// (floating types have no range check beyond JSON's).
var datatypes = map[string]struct {
	integer  bool
	min, max float64
}{
	"FP16": {}, "FP32": {}, "FP64": {},
	"INT8": {true, math.MinInt8, math.MaxInt8}, "INT16": {true, math.MinInt16, math.MaxInt16},
	"INT32": {true, math.MinInt32, math.MaxInt32}, "INT64": {true, math.MinInt64, math.MaxInt64},
	"UINT8": {true, 0, math.MaxUint8}, "UINT16": {true, 0, math.MaxUint16},
	"UINT32": {true, 0, math.MaxUint32}, "UINT64": {true, 0, math.MaxUint64},
}

// ParseInferRequest decodes and validates an inference request for a model of
// `features` inputs per instance. It returns the request (for its id) and the
// instances as rows of length features. Errors describe the bad field.
func ParseInferRequest(body []byte, features int) (*InferRequest, [][]float64, error) {
	var req InferRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, nil, fmt.Errorf("request body is not a valid inference request: %v", err)
	}
	if len(req.Inputs) != 1 {
		return nil, nil, fmt.Errorf("inputs: want exactly 1 input %q, got %d", InputName, len(req.Inputs))
	}
	for _, o := range req.Outputs {
		if o.Name != OutputName {
			return nil, nil, fmt.Errorf("outputs: unknown output %q (the model has %q)", o.Name, OutputName)
		}
	}
	rows, err := parseTensor(&req.Inputs[0], features)
	if err != nil {
		return nil, nil, err
	}
	return &req, rows, nil
}

func parseTensor(t *Tensor, features int) ([][]float64, error) {
	if t.Name != InputName {
		return nil, fmt.Errorf("inputs: unknown input %q (the model has %q)", t.Name, InputName)
	}
	dt, ok := datatypes[t.Datatype]
	if !ok {
		return nil, fmt.Errorf("input %s: datatype %q is not supported (want a numeric type such as FP32)", t.Name, t.Datatype)
	}
	n, err := instancesOf(t.Shape, features)
	if err != nil {
		return nil, fmt.Errorf("input %s: %v", t.Name, err)
	}
	flat, err := flatten(t.Data, make([]float64, 0, n*features), 0)
	if err != nil {
		return nil, fmt.Errorf("input %s: data: %v", t.Name, err)
	}
	if len(flat) != n*features {
		return nil, fmt.Errorf("input %s: shape %v wants %d elements, data has %d", t.Name, t.Shape, n*features, len(flat))
	}
	for i, v := range flat {
		if dt.integer && (v != math.Trunc(v) || v < dt.min || v > dt.max) {
			return nil, fmt.Errorf("input %s: data[%d] = %v is not a valid %s", t.Name, i, v, t.Datatype)
		}
	}
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = flat[i*features : (i+1)*features : (i+1)*features]
	}
	return rows, nil
}

// maxInstances bounds one request's batch.
const maxInstances = 1 << 16

// instancesOf checks a [N, features] or [features] shape and returns N.
func instancesOf(shape []int64, features int) (int, error) {
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %v has a negative dimension", shape)
		}
	}
	switch {
	case len(shape) == 1 && shape[0] == int64(features):
		return 1, nil
	case len(shape) == 2 && shape[1] == int64(features):
		if shape[0] > maxInstances {
			return 0, fmt.Errorf("shape %v: at most %d instances per request", shape, maxInstances)
		}
		return int(shape[0]), nil
	}
	return 0, fmt.Errorf("shape %v does not fit the model: want [N, %d] or [%d]", shape, features, features)
}

// maxDepth bounds the nesting of tensor data.
const maxDepth = 8

// flatten appends the numbers of row-major data, flat or nested, to dst.
func flatten(raw json.RawMessage, dst []float64, depth int) ([]float64, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested deeper than %d levels", maxDepth)
	}
	if depth == 0 && bytes.Contains(raw, []byte("null")) {
		// encoding/json leaves a float64 untouched on null; refuse instead.
		return nil, fmt.Errorf("contains null (want numbers)")
	}
	var flat []float64
	if err := json.Unmarshal(raw, &flat); err == nil {
		if flat == nil && depth == 0 {
			return nil, fmt.Errorf("missing (want an array of numbers)")
		}
		return append(dst, flat...), nil
	}
	var nested []json.RawMessage
	if err := json.Unmarshal(raw, &nested); err != nil || nested == nil {
		return nil, fmt.Errorf("want an array of numbers, got %.40s", raw)
	}
	for _, e := range nested {
		var err error
		if len(e) > 0 && e[0] == '[' {
			dst, err = flatten(e, dst, depth+1)
		} else {
			var v float64
			if err = json.Unmarshal(e, &v); err != nil {
				err = fmt.Errorf("element %.40s is not a number", e)
			}
			dst = append(dst, v)
		}
		if err != nil {
			return nil, err
		}
	}
	return dst, nil
}

// ParsePredictRequest decodes and validates a v1 predict request.
func ParsePredictRequest(body []byte, features int) ([][]float64, error) {
	var req PredictRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, fmt.Errorf("request body is not a valid predict request: %v", err)
	}
	if len(req.Instances) == 0 {
		return nil, fmt.Errorf("instances: want at least one instance of %d numbers", features)
	}
	if len(req.Instances) > maxInstances {
		return nil, fmt.Errorf("instances: at most %d per request", maxInstances)
	}
	for i, x := range req.Instances {
		if len(x) != features {
			return nil, fmt.Errorf("instances[%d] has %d numbers, the model wants %d", i, len(x), features)
		}
	}
	return req.Instances, nil
}

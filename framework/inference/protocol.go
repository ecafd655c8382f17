package inference

import (
	"encoding/json"
)

// Wire types of the Open Inference Protocol (KServe v2) REST API and of the
// KServe v1 predict call. Clients (tests, the load generator) may use them.

// Tensor is an input tensor of an inference request. Data holds the elements
// in row-major order, flat or nested.
type Tensor struct {
	Name       string          `json:"name"`
	Shape      []int64         `json:"shape"`
	Datatype   string          `json:"datatype"`
	Parameters map[string]any  `json:"parameters,omitempty"`
	Data       json.RawMessage `json:"data"`
}

// RequestedOutput names an output the client wants.
type RequestedOutput struct {
	Name       string         `json:"name"`
	Parameters map[string]any `json:"parameters,omitempty"`
}

// InferRequest is the body of POST /v2/models/{name}/infer.
type InferRequest struct {
	ID         string            `json:"id,omitempty"`
	Parameters map[string]any    `json:"parameters,omitempty"`
	Inputs     []Tensor          `json:"inputs"`
	Outputs    []RequestedOutput `json:"outputs,omitempty"`
}

// OutputTensor is an output tensor of an inference response.
type OutputTensor struct {
	Name     string    `json:"name"`
	Shape    []int64   `json:"shape"`
	Datatype string    `json:"datatype"`
	Data     []float64 `json:"data"`
}

// InferResponse is the answer to an inference request.
type InferResponse struct {
	ModelName    string         `json:"model_name"`
	ModelVersion string         `json:"model_version,omitempty"`
	ID           string         `json:"id,omitempty"`
	Outputs      []OutputTensor `json:"outputs"`
}

// ErrorResponse is the body of every 4xx/5xx answer.
type ErrorResponse struct {
	Error string `json:"error"`
}

// TensorMetadata describes a model input or output.
type TensorMetadata struct {
	Name     string  `json:"name"`
	Datatype string  `json:"datatype"`
	Shape    []int64 `json:"shape"`
}

// ModelMetadata is the answer to GET /v2/models/{name}.
type ModelMetadata struct {
	Name     string           `json:"name"`
	Versions []string         `json:"versions,omitempty"`
	Platform string           `json:"platform"`
	Inputs   []TensorMetadata `json:"inputs"`
	Outputs  []TensorMetadata `json:"outputs"`
}

// ServerMetadata is the answer to GET /v2.
type ServerMetadata struct {
	Name       string   `json:"name"`
	Version    string   `json:"version"`
	Extensions []string `json:"extensions"`
}

// PredictRequest is the body of the v1 POST /v1/models/{name}:predict.
type PredictRequest struct {
	Instances [][]float64 `json:"instances"`
}

// PredictResponse is the v1 predict answer.
type PredictResponse struct {
	Predictions []float64 `json:"predictions"`
}

// The model's single input and output.
const (
	InputName  = "input-0"
	OutputName = "output-0"
	// OutputDatatype is the datatype of every output.
	OutputDatatype = "FP64"
	// Platform is reported in model metadata.
	Platform = "gameday-linear"
)

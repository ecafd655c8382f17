// Package topology reads and validates the versioned YAML that describes an
// environment: its regions (each primary or dr), their zones, and the GPU nodes
// in each zone. Validation errors name the file, the line and the field.
//
//	apiVersion: gameday.io/v1alpha1
//	kind: Topology
//	metadata: {name: two-region}
//	node: {gpus: 8, gpuProduct: NVIDIA-H100-80GB-HBM3, cpu: "96", memory: 1Ti, pods: 110}
//	regions:
//	- name: us-east1
//	  role: primary
//	  zones:
//	  - {name: us-east1-a, nodes: 3}
//
// A node spec given at the top applies to every node; a region's or a zone's
// `node:` overrides it field by field.
package topology

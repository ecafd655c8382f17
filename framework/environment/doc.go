// Package environment brings a whole multi-region environment up and down:
// it keeps each environment's record in a state directory, creates one
// cluster per region through a cluster.Provider (in parallel), and tears down
// everything it created when a step fails, unless asked to retain it.
package environment

// Package sensor carries out a platform's Argo Events Sensor as written,
// for the alerts a drill raises: its dependencies name the events it waits
// for, its k8s triggers the object they change, and each trigger parameter
// copies a value from the event (an Alertmanager webhook notification) into
// the object, by the gjson path the manifest gives. A path the event lacks
// and no default fails the trigger, as in Argo Events; the drill records
// what was patched, with which values, or why it failed.
package sensor

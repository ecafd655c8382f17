// Package platform deploys an inference platform's manifests into a region's
// cluster. The fixture files stay as their authors wrote them; what an
// environment needs is changed here and by the provider
// (provider.PlatformAdapter), in code, and every change is returned as an
// Adaptation so reports can say what was not as written.
package platform

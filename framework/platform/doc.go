// Package platform deploys the reference inference platform into a region's
// cluster. The fixture files stay as the seed wrote them; what an environment
// needs is changed here, in code, and every change is returned as an
// Adaptation so reports can say what was not as written.
package platform

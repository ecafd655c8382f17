package environment

// Environments are created by the providers of the registry, chosen by name.
import _ "gameday.io/gameday/framework/provider/providers"

"""Stage constructs per cloud. Each subpackage imports only its own provider bindings."""

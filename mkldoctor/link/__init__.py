"""An installed copy to a verified compile and link line."""

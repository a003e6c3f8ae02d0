"""The command line face: parse arguments, call a service, render the answer."""

"""What mkldoctor knows about MKL: symbol history, install recipes, fixed facts, and their data."""

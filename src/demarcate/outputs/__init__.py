"""Report formats built on the assessment."""

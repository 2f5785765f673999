"""Infrastructure-as-Code sources: detection, parse errors and the IaC scan."""

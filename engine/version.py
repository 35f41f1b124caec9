"""The software version printed in reports, JSON and the case file."""

SOFTWARE_VERSION = "0.1.0"

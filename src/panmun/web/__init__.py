"""The web workbench: a REST API and a dashboard on one server (``panmun serve``)."""

"""The dashboard pages: server-rendered HTML, charts drawn in the browser from local assets."""

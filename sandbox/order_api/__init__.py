"""The imitated REST Order API (`/api/<plugin-uri>/...`)."""

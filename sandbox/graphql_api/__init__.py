"""The imitated GraphQL Integration API (`POST /graphql`)."""

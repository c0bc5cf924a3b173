"""The imitated REST Order API (`/api/<plugin-uri>/...`): the read endpoints the extractor's fallback uses,
served from the same store as the GraphQL side so both APIs describe the same orders, lines and amounts.

| module         | holds                                                                          |
|----------------|--------------------------------------------------------------------------------|
| routes         | the route table; endpoint names used by `disabled_endpoints`                   |
| envelope       | key check, 403 "Not Allowed", `status: no` errors, JSON/XML rendering, stats   |
| params         | typed query parameters and the field-error answer to a bad one                 |
| paging         | offset, page and next/previous-link paging                                     |
| conditions     | SQL `WHERE` building and the plugin's order visibility (markets, statuses, hold) |
| order_header   | order fields shared by `/orders` and `/shipments`, the `orderStatus` codes     |
| lines          | `products[]` of orders and shipments, the SKU split, the tax breakdown         |
| orders         | `GET orders`                                                                   |
| shipments      | `GET shipments`                                                                |
| returns        | `GET returns`                                                                  |
| customers      | `GET customers`, `GET customers/<id>`                                          |
| catalog        | `GET products`, `GET stock`                                                    |
| xml_body       | the `xml=1` rendering                                                          |

Each module's docstring lists the choices it makes where Centra's behaviour is unknown.
"""

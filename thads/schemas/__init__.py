"""Request and response schemas (pydantic): the API validates with them, the OpenAPI document is
generated from them, and the registration service validates the web form's data with them."""

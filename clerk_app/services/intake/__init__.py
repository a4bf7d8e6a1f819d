"""The counter: finding the matter, capturing the application, the decision and its notice, looking cases up."""

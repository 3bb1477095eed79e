"""The readers a page is written for: each chooses an audience, and claims read in its wording."""

AUDIENCES = {
    "professional": "Healthcare professional",
    "patient": "Patient or caregiver",
}
DEFAULT_AUDIENCE = "professional"

package cartera

// Client is an account in the portfolio.
type Client struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Owner is the seller or account manager responsible for the client.
	Owner string `json:"owner"`
	// FamilyFriend marks a client who is also family or a friend: ending or
	// changing the relationship needs a different conversation.
	FamilyFriend bool `json:"family_friend"`
	// Currency is the currency the client is invoiced in; every amount of
	// this client is in it.
	Currency Currency `json:"currency"`
	// Service names what we provide to the client ("diseño web").
	Service string `json:"service"`
	Since   Date   `json:"since"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Notes   string `json:"notes"`
	// Version counts the changes to the record: an update must name the
	// version it read, so that two people never silently overwrite each
	// other.
	Version int64 `json:"version"`
}

// Validate checks a client.
func (c Client) Validate() error {
	if err := validName("name", c.Name); err != nil {
		return err
	}
	if !c.Currency.Valid() {
		return FieldError("currency", "value.unknown_currency", "value", string(c.Currency))
	}
	return firstError(validID("id", c.ID), validLine("owner", c.Owner),
		validLine("service", c.Service), validLine("email", c.Email), validLine("phone", c.Phone), validText("notes", c.Notes))
}

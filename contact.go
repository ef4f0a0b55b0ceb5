package cartera

// Seniority ranks a contact inside the client's organisation, used to suggest
// a more senior interlocutor when a conversation is stuck.
type Seniority int

// Seniority levels, from the person doing the work to the person who owns the
// company.
const (
	SeniorityStaff     Seniority = 1
	SeniorityLead      Seniority = 2
	SeniorityManager   Seniority = 3
	SeniorityDirector  Seniority = 4
	SeniorityExecutive Seniority = 5
)

// Contact is a person at a client.
type Contact struct {
	ID        string    `json:"id"`
	ClientID  string    `json:"client_id"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Seniority Seniority `json:"seniority"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Version   int64     `json:"version"`
}

// Validate checks a contact.
func (c Contact) Validate() error {
	if err := validName("name", c.Name); err != nil {
		return err
	}
	if c.Seniority < SeniorityStaff || c.Seniority > SeniorityExecutive {
		return FieldError("seniority", "value.bad_seniority", "value", itoa(int(c.Seniority)))
	}
	return firstError(validID("id", c.ID), validRef("client_id", c.ClientID),
		validLine("role", c.Role), validLine("email", c.Email), validLine("phone", c.Phone))
}

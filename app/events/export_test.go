package events

// ListEvents lets the tests compare the list's statements with IsOpen.
var ListEvents = listEvents

// ScanRegistration and RegistrationColumns let a test hold the reading by
// position to the reading by name.
var ScanRegistration = scanRegistration

const RegistrationColumns = registrationColumns

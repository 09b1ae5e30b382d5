package events

// ListEvents lets the tests compare the list's statements with IsOpen.
var ListEvents = listEvents

package members

// AnswerFloor is answerFloor for the tests of members_test.
const AnswerFloor = answerFloor

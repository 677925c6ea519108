"""Goals, weekly ratings and progress maths, and the plan timeline: pure functions, no storage."""

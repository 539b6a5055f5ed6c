"""Double entry of paper score sheets by two data-entry clerks (录入员), with the signed sheet's scan."""

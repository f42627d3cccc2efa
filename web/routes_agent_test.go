package web_test

func agentMatrix(e *env) []matrixRow { return nil }

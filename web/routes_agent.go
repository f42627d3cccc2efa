package web

func (s *Server) agentRoutes() []Route { return nil }

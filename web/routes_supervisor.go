package web

func (s *Server) supervisorRoutes() []Route { return nil }

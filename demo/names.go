package demo

// Name parts for generated people and businesses. They are common Spanish
// words and names, combined at random; any resemblance to a real business
// is accidental.
var (
	firstNames = []string{
		"Lucía", "Andrés", "Carmen", "Javier", "María", "Pablo", "Elena", "Sergio", "Marta", "Raúl",
		"Isabel", "Diego", "Nuria", "Álvaro", "Rocío", "Íñigo", "Beatriz", "Óscar", "Paula", "Hugo",
		"Inés", "Tomás", "Alba", "Rubén", "Claudia", "Jorge", "Noelia", "Adrián", "Sonia", "Gonzalo",
		"Laura", "Iván", "Cristina", "Miguel", "Ainhoa", "Víctor", "Silvia", "Ángel", "Irene", "Joaquín",
	}
	surnames = []string{
		"García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Díaz", "Moreno", "Muñoz",
		"Álvarez", "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil",
		"Serrano", "Blanco", "Molina", "Castro", "Ortiz", "Rubio", "Marín", "Sanz", "Núñez", "Iglesias",
		"Medina", "Garrido", "Cortés", "Castillo", "Santos", "Lozano", "Guerrero", "Cano", "Prieto", "Méndez",
	}
	trades = []string{
		"Talleres", "Construcciones", "Reformas", "Clínica", "Bodegas", "Ferretería", "Gestoría", "Academia",
		"Transportes", "Librería", "Floristería", "Imprenta", "Viveros", "Joyería", "Carpintería", "Hostal",
		"Pastelería", "Farmacia", "Asesoría", "Distribuciones", "Inmobiliaria", "Óptica", "Electricidad",
		"Fontanería", "Estudio", "Laboratorios", "Cerámicas", "Conservas", "Muebles", "Autoescuela",
	}
	suffixes = []string{"", "", "", " S.L.", " S.A.", " e Hijos", " Hermanos", " y Asociados"}
	roles    = []struct {
		role      string
		seniority int
	}{
		{"Gerente", 5}, {"Propietaria", 5}, {"Director financiero", 4}, {"Directora comercial", 4},
		{"Responsable de marketing", 3}, {"Jefe de compras", 3}, {"Coordinadora de proyectos", 2},
		{"Administración", 1}, {"Técnico", 1},
	}
	services = []string{
		"diseño web", "posicionamiento SEO", "redes sociales", "mantenimiento web", "consultoría digital",
		"desarrollo a medida", "campañas de publicidad", "identidad corporativa",
	}
	notes = []string{
		"Revisión de maquetas", "Cambios en la portada", "Reunión de seguimiento", "Publicaciones de la semana",
		"Informe mensual", "Corrección de errores", "Ajustes de campaña", "Soporte por correo", "Llamada con el cliente",
		"Preparación de presupuesto", "Migración de contenidos", "Optimización de fichas",
	}
)

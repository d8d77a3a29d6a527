"""Words of the demo: processes of La Libertad and the proposals citizens could bring to them. Demo only."""

from __future__ import annotations

CATEGORIES = (
    ("agua-riego", "Agua y riego"),
    ("caminos", "Caminos y transporte"),
    ("salud", "Salud"),
    ("educacion", "Educación"),
    ("agricultura", "Agricultura y ganadería"),
    ("ambiente", "Medio ambiente"),
    ("cultura", "Cultura e identidad"),
    ("seguridad", "Seguridad ciudadana"),
)

# slug, title, intro, phase open now (or "closed" with results)
PROCESSES = (
    (
        "ley-regional-agua-2027",
        "Ley regional de agua y riego 2027",
        "¿Cómo repartimos el agua entre la costa, la sierra y las ciudades? Propón artículos para la nueva ley "
        "regional de recursos hídricos de La Libertad.",
        "proposals",
    ),
    (
        "caminos-rurales",
        "Caminos rurales y conectividad",
        "Los caminos vecinales unen a las comunidades con mercados, escuelas y postas. Apoya las propuestas que "
        "deben llegar al Consejo Regional.",
        "supports",
    ),
    (
        "salud-materna",
        "Salud materna e infantil en la sierra",
        "Debate abierto sobre casas de espera, atención del parto y nutrición infantil en las provincias altoandinas.",
        "debate",
    ),
    (
        "educacion-intercultural",
        "Educación intercultural y rural",
        "Votación de las propuestas que reunieron apoyos: escuelas rurales, docentes bilingües y transporte escolar.",
        "vote",
    ),
    (
        "presupuesto-participativo-2026",
        "Presupuesto participativo regional 2026",
        "Proceso cerrado: consulta los resultados y cómo participaron mujeres y comunidades rurales.",
        "closed",
    ),
)

# Per process: (title, summary, category slug). Statuses are assigned by the demo seeder.
PROPOSALS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "ley-regional-agua-2027": (
        (
            "Riego tecnificado para pequeños agricultores de Otuzco",
            "Subsidiar goteo y aspersión para parcelas de menos de 3 hectáreas.",
            "agua-riego",
        ),
        (
            "Protección de las cabeceras de cuenca del río Moche",
            "Declarar intangibles las lagunas y bofedales que alimentan el Moche.",
            "ambiente",
        ),
        (
            "Tarifa social de agua potable en asentamientos humanos",
            "Un bloque básico de consumo a precio social para familias vulnerables.",
            "agua-riego",
        ),
        (
            "Reservorios comunales en Julcán",
            "Construir reservorios de tierra con geomembrana en cada caserío.",
            "agua-riego",
        ),
        (
            "Vigilancia ciudadana de la calidad del agua",
            "Juntas vecinales con kits de análisis y datos públicos mensuales.",
            "agua-riego",
        ),
        (
            "Canal de Chavimochic: prioridad para la agricultura familiar",
            "Reservar un porcentaje del agua de la III etapa para pequeños productores.",
            "agricultura",
        ),
        (
            "Cosecha de agua de lluvia en escuelas rurales",
            "Techos colectores y tanques en todas las escuelas de la sierra.",
            "agua-riego",
        ),
        (
            "Sanción a vertimientos mineros en el río Santa",
            "Multas progresivas y monitoreo independiente de relaves.",
            "ambiente",
        ),
        (
            "Juntas de usuarios con paridad de género",
            "Al menos 40 % de mujeres en los consejos directivos de riego.",
            "agua-riego",
        ),
        (
            "Reforestación con especies nativas en Sánchez Carrión",
            "Queñuales y alisos para recuperar manantiales.",
            "ambiente",
        ),
        (
            "Agua segura para postas de salud rurales",
            "Conexión y cloración garantizada en todos los puestos de salud.",
            "salud",
        ),
        (
            "Mantenimiento de acequias con faenas comunales pagadas",
            "Jornales para el mantenimiento anual de canales de tierra.",
            "agua-riego",
        ),
        (
            "Medidores de caudal en bocatomas",
            "Publicar en línea cuánta agua toma cada junta de usuarios.",
            "agua-riego",
        ),
        (
            "Reúso de aguas residuales tratadas en Trujillo",
            "Riego de parques y áreas verdes con agua tratada.",
            "ambiente",
        ),
        (
            "Escuela del agua para jóvenes rurales",
            "Formación técnica en riego, gasfitería y gestión comunal.",
            "educacion",
        ),
        (
            "Fondo regional para emergencias por huaicos",
            "Reserva anual para reparar canales y captaciones tras El Niño.",
            "agua-riego",
        ),
        (
            "Registro público de derechos de agua",
            "Un mapa abierto con todas las licencias otorgadas en la región.",
            "agua-riego",
        ),
        (
            "Bebederos para ganado en las punas de Santiago de Chuco",
            "Evitar que el ganado contamine los ojos de agua.",
            "agricultura",
        ),
        ("Desalinización para caletas de Pacasmayo", "Plantas pequeñas para pescadores artesanales.", "agua-riego"),
        (
            "Educación ambiental obligatoria sobre el ciclo del agua",
            "Un módulo por grado en primaria y secundaria.",
            "educacion",
        ),
        (
            "Control de pérdidas en la red de Sedalib",
            "Reducir el agua no facturada con sectorización y reparaciones.",
            "agua-riego",
        ),
        (
            "Pago por servicios ecosistémicos en Huamachuco",
            "Las ciudades retribuyen a comunidades que cuidan las fuentes.",
            "ambiente",
        ),
    ),
    "caminos-rurales": (
        (
            "Mantenimiento rutinario de caminos vecinales por microempresas locales",
            "Contratar a vecinos organizados para cuidar cada tramo.",
            "caminos",
        ),
        (
            "Puente peatonal sobre el río Chicama en Sayapullo",
            "Evitar que escolares crucen el río en temporada de lluvias.",
            "caminos",
        ),
        (
            "Transporte escolar gratuito en Bolívar",
            "Movilidad para estudiantes que caminan más de una hora.",
            "educacion",
        ),
        ("Asfaltado de la vía Huamachuco-Cajabamba", "Priorizar el tramo con más accidentes.", "caminos"),
        (
            "Señalización y guardavías en curvas peligrosas de Pataz",
            "Inventario de puntos negros y obras en un año.",
            "seguridad",
        ),
        ("Internet en plazas de los centros poblados", "Wifi público en cada capital de distrito.", "cultura"),
        ("Caminos de herradura para comunidades aisladas", "Mejorar trochas que no llegan a carretera.", "caminos"),
        ("Terminal terrestre ordenado en Otuzco", "Paraderos seguros e iluminados para pasajeros.", "caminos"),
        ("Ambulancias rurales 4x4", "Una ambulancia todo terreno por red de salud.", "salud"),
        ("Cuadrillas de emergencia para derrumbes", "Maquinaria lista en cada provincia durante lluvias.", "caminos"),
        (
            "Ciclovías seguras entre Trujillo y Huanchaco",
            "Carril protegido para trabajadores y estudiantes.",
            "caminos",
        ),
        (
            "Mercados itinerantes con transporte subsidiado",
            "Llevar productos de la sierra a la costa sin intermediarios.",
            "agricultura",
        ),
        (
            "Drenaje en caminos de Gran Chimú",
            "Cunetas y alcantarillas para que la lluvia no destruya la vía.",
            "caminos",
        ),
        ("Paraderos con techo en rutas rurales", "Protección del sol y la lluvia para quienes esperan.", "caminos"),
        (
            "Licencias de conducir en las provincias",
            "Exámenes descentralizados para no viajar a Trujillo.",
            "seguridad",
        ),
        (
            "Mapa abierto del estado de los caminos",
            "Vecinos reportan baches y cortes desde el celular o por SMS.",
            "caminos",
        ),
        (
            "Tarifa de pasaje escolar en transporte interprovincial",
            "Medio pasaje obligatorio también en rutas rurales.",
            "educacion",
        ),
        ("Vía de evitamiento en Chepén", "Sacar el tránsito pesado del centro de la ciudad.", "caminos"),
        ("Teleféricos turísticos en Marcahuamachuco", "Acceso al complejo arqueológico y empleo local.", "cultura"),
        (
            "Rondas campesinas en la seguridad de las vías",
            "Coordinación con la policía en tramos con asaltos.",
            "seguridad",
        ),
        (
            "Compras públicas a transportistas locales",
            "Preferencia a empresas de la provincia en obras viales.",
            "caminos",
        ),
        ("Caminos sin barro para llegar a la escuela", "Afirmado de los accesos a escuelas rurales.", "educacion"),
    ),
    "salud-materna": (
        (
            "Casas de espera materna en cada red de salud",
            "Alojamiento para gestantes de caseríos lejanos antes del parto.",
            "salud",
        ),
        (
            "Parto vertical e intercultural en los hospitales",
            "Respetar las costumbres de las mujeres andinas.",
            "salud",
        ),
        (
            "Obstetras en todos los puestos de salud de Pataz",
            "Completar el personal en los establecimientos sin obstetra.",
            "salud",
        ),
        (
            "Anemia cero en niñas y niños menores de tres años",
            "Suplementos, alimentos ricos en hierro y visitas domiciliarias.",
            "salud",
        ),
        ("Agentes comunitarias de salud con estipendio", "Reconocer el trabajo de las promotoras de salud.", "salud"),
        (
            "Telemedicina para control prenatal",
            "Consultas por video o teléfono con especialistas de Trujillo.",
            "salud",
        ),
        ("Bancos de leche materna en hospitales regionales", "Para recién nacidos prematuros.", "salud"),
        ("Sala de lactancia en instituciones públicas", "Obligatoria en oficinas con más de 20 trabajadoras.", "salud"),
        (
            "Prevención del embarazo adolescente en colegios",
            "Educación sexual integral con enfoque intercultural.",
            "educacion",
        ),
        (
            "Radio comunitaria con mensajes de salud en quechua",
            "Programas semanales sobre signos de alarma en el embarazo.",
            "cultura",
        ),
        ("Vacunación itinerante en caseríos", "Brigadas mensuales en lugares sin posta.", "salud"),
        (
            "Comedores populares con alimentos de la chacra",
            "Compras a productoras locales para comedores y vasos de leche.",
            "agricultura",
        ),
        (
            "Línea gratuita contra la violencia hacia la mujer",
            "Atención en castellano y quechua las 24 horas.",
            "seguridad",
        ),
        ("Salud mental para madres en zonas rurales", "Psicólogos itinerantes y grupos de apoyo.", "salud"),
        ("Registro de nacimientos en el mismo establecimiento", "DNI para el recién nacido antes del alta.", "salud"),
        (
            "Cocinas mejoradas para reducir el humo en el hogar",
            "Menos enfermedades respiratorias en niños y madres.",
            "ambiente",
        ),
    ),
    "educacion-intercultural": (
        (
            "Docentes bilingües en escuelas de la sierra liberteña",
            "Plazas con bonificación para maestros que hablan quechua.",
            "educacion",
        ),
        (
            "Internet y tabletas en escuelas unidocentes",
            "Conectividad y equipos para las escuelas multigrado.",
            "educacion",
        ),
        (
            "Residencias estudiantiles para secundaria rural",
            "Alojamiento seguro para estudiantes de caseríos lejanos.",
            "educacion",
        ),
        (
            "Alimentación escolar con productos locales",
            "Qali Warma compra a productores de la provincia.",
            "agricultura",
        ),
        (
            "Becas regionales para jóvenes rurales",
            "Estudios técnicos y universitarios con residencia pagada.",
            "educacion",
        ),
        (
            "Calendario escolar adaptado a la cosecha",
            "Flexibilidad en zonas agrícolas sin perder horas de clase.",
            "educacion",
        ),
        (
            "Historia regional en el currículo",
            "Chan Chan, los mochicas y las comunidades actuales en clase.",
            "cultura",
        ),
        (
            "Formación técnica agropecuaria en colegios",
            "Talleres de riego, crianza y transformación de productos.",
            "agricultura",
        ),
        (
            "Educación inclusiva para estudiantes con discapacidad",
            "Docentes de apoyo y accesibilidad en cada UGEL.",
            "educacion",
        ),
        ("Bibliotecas comunales en centros poblados", "Libros, talleres de lectura y acceso a internet.", "cultura"),
        ("Mantenimiento de locales escolares antes de las lluvias", "Techos y baños reparados cada año.", "educacion"),
        (
            "Educación de adultos para mujeres rurales",
            "Alfabetización y secundaria en horarios compatibles.",
            "educacion",
        ),
        ("Deporte escolar en todas las provincias", "Juegos regionales con sedes rotativas.", "cultura"),
        (
            "Orientación vocacional en quinto de secundaria",
            "Conocer opciones de estudio y trabajo en la región.",
            "educacion",
        ),
        (
            "Ley regional de educación intercultural bilingüe",
            "Proyecto del Consejo Regional para ordenar la EIB en La Libertad.",
            "educacion",
        ),
        ("Transporte fluvial escolar en zonas ribereñas", "Botes seguros con chalecos para estudiantes.", "educacion"),
    ),
    "presupuesto-participativo-2026": (
        (
            "Mejoramiento del sistema de agua potable de Usquil",
            "Nueva captación y reservorio para 2 000 familias.",
            "agua-riego",
        ),
        ("Posta de salud en el caserío de Llaguén", "Un establecimiento de primer nivel con obstetra.", "salud"),
        ("Carretera Tayabamba-Ongón, primera etapa", "Apertura de trocha carrozable de 18 km.", "caminos"),
        ("Institución educativa inicial en Alto Trujillo", "Aulas para 200 niños de 3 a 5 años.", "educacion"),
        ("Centro de acopio de granos andinos en Huamachuco", "Secado, almacenamiento y venta conjunta.", "agricultura"),
        ("Iluminación y cámaras en La Esperanza", "Seguridad en calles de alta incidencia delictiva.", "seguridad"),
        ("Recuperación del muelle de Puerto Malabrigo", "Infraestructura para la pesca artesanal.", "agricultura"),
        ("Parque ecológico en el cerro Cabras", "Reforestación y senderos en Trujillo.", "ambiente"),
        ("Museo comunitario de Marcahuamachuco", "Puesta en valor y guías locales.", "cultura"),
        ("Riego por aspersión en Cachicadán", "Cambiar el riego por gravedad en 300 hectáreas.", "agua-riego"),
        ("Casa de la mujer en Virú", "Atención legal, psicológica y talleres productivos.", "seguridad"),
        ("Puente vehicular en Chugay", "Reemplazar el puente colapsado por el río.", "caminos"),
        (
            "Planta de residuos sólidos en Chepén",
            "Relleno sanitario y reciclaje con recicladores formalizados.",
            "ambiente",
        ),
        ("Electrificación rural en Condormarca", "Redes para 14 caseríos sin luz.", "caminos"),
        ("Festival regional de danzas y música", "Promoción de la marinera y las danzas de la sierra.", "cultura"),
        ("Laboratorio de suelos para agricultores", "Análisis gratuito y recomendaciones de abono.", "agricultura"),
    ),
}

PARAGRAPHS = (
    "<p>En muchas comunidades de La Libertad esta necesidad se arrastra desde hace años y afecta sobre todo a "
    "las familias rurales y a las mujeres, que cargan con el trabajo de cuidado.</p>",
    "<p>Proponemos que el Gobierno Regional lo incluya en su plan anual, con un presupuesto visible y metas "
    "que se puedan verificar cada seis meses.</p>",
    "<ul><li>Participación de las comunidades en el diseño.</li><li>Informe público de avance.</li>"
    "<li>Prioridad para los distritos con más pobreza.</li></ul>",
    '<p>Más información: <a href="https://www.regionlalibertad.gob.pe">Gobierno Regional La Libertad</a>.</p>',
)

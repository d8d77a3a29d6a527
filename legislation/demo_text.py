# ruff: noqa: E501 - each line is one paragraph of the law as pasted; the importer reads lines, so none may wrap.
"""The demo bill: a regional ordinance on water use in La Libertad, as the council would paste it. Demo only."""

TITLE = "Ordenanza regional de uso responsable del agua en La Libertad"
SUMMARY = "Reglas comunes para el uso doméstico, agrícola e industrial del agua en las doce provincias."

ORDINANCE = """ORDENANZA REGIONAL N.º 014-2027-GRLL/CR

El Consejo Regional de La Libertad, en uso de sus atribuciones, ha aprobado la siguiente ordenanza.

TÍTULO PRELIMINAR

Capítulo I
Disposiciones generales

Artículo 1. Objeto
La presente ordenanza establece las reglas para el uso responsable, equitativo y sostenible del agua en el territorio de la región La Libertad.

Artículo 2. Ámbito de aplicación
Se aplica a toda persona natural o jurídica que use agua superficial o subterránea en las doce provincias de la región, sin perjuicio de la Ley de Recursos Hídricos.

Artículo 3. Principios
El uso del agua se rige por los siguientes principios:
- prioridad del consumo humano;
- equidad entre la costa, la sierra y la selva;
- participación de las comunidades campesinas y juntas de usuarios;
- transparencia de la información pública.

Artículo 4. Definiciones
Para efectos de esta ordenanza se entiende por:
a) Usuario: toda persona que use agua con derecho otorgado.
b) Junta de usuarios: organización que gestiona la infraestructura de riego de un sector.
c) Turno de riego: período asignado a cada usuario para el uso del agua.

Capítulo II
De la autoridad regional

Artículo 5. Autoridad competente
La Gerencia Regional de Recursos Hídricos es la autoridad encargada de aplicar esta ordenanza, en coordinación con la Autoridad Local del Agua.

Artículo 6. Funciones
Corresponde a la Gerencia Regional planificar la distribución del agua, supervisar a las juntas de usuarios y publicar cada trimestre los volúmenes distribuidos por provincia.

Artículo 7. Consejo consultivo
Se crea el Consejo Consultivo Regional del Agua, integrado por representantes de las juntas de usuarios, de las comunidades campesinas, de las municipalidades provinciales y de las universidades de la región.

Artículo 8. Información pública
Toda la información sobre derechos de uso, tarifas y volúmenes distribuidos se publica en el portal regional en formatos abiertos.

TÍTULO I
DEL USO DEL AGUA

Capítulo III
Uso doméstico

Artículo 9. Prioridad del consumo humano
En épocas de escasez, el agua para consumo humano tiene prioridad sobre cualquier otro uso.

Artículo 10. Mínimo vital
Toda familia tiene derecho a un mínimo vital de cincuenta litros de agua por persona y por día, aun en caso de deuda con el prestador del servicio.

Artículo 11. Sistemas rurales de agua
Las juntas administradoras de servicios de saneamiento rurales reciben asistencia técnica gratuita de la Gerencia Regional para cloración y mantenimiento.

Artículo 12. Fugas y desperdicio
Los prestadores de servicios reparan las fugas de la red pública en un plazo máximo de cuarenta y ocho horas desde su reporte.

Capítulo IV
Uso agrícola

Artículo 13. Turnos de riego
Las juntas de usuarios publican los turnos de riego de cada campaña con al menos quince días de anticipación, en castellano y, donde corresponda, en quechua.

Artículo 14. Riego tecnificado
La región promueve el riego por goteo y aspersión mediante fondos concursables dirigidos prioritariamente a pequeños productores.

Artículo 15. Pequeños productores
Se consideran pequeños productores quienes conducen menos de cinco hectáreas bajo riego.

Artículo 16. Reservorios comunales
Las comunidades campesinas pueden construir reservorios y cochas de cosecha de agua con apoyo técnico regional.

Capítulo V
Uso minero e industrial

Artículo 17. Licencias
Ninguna actividad minera o industrial usa agua sin licencia vigente otorgada por la autoridad competente.

Artículo 18. Monitoreo participativo
Las comunidades ubicadas aguas abajo de una operación minera participan en el monitoreo de la calidad del agua, con resultados públicos cada mes.

Artículo 19. Reúso de aguas residuales
Las empresas industriales tratan y reúsan sus aguas residuales según los límites máximos permisibles vigentes.

TÍTULO II
DE LAS TARIFAS Y EL FINANCIAMIENTO

Capítulo VI
Tarifas

Artículo 20. Tarifa por uso
La tarifa por uso de agua se fija cada año según el volumen usado y el tipo de uso:
| Uso | Soles por metro cúbico |
| Agrícola | 0.02 |
| Industrial | 0.35 |
| Minero | 0.50 |

Artículo 21. Destino de la recaudación
Lo recaudado se destina a la operación y mantenimiento de la infraestructura hidráulica y a la protección de cabeceras de cuenca.

Artículo 22. Exoneraciones
Están exonerados del pago los usos primarios y los sistemas rurales de agua para consumo humano.

Capítulo VII
Fondo regional del agua

Artículo 23. Creación del fondo
Se crea el Fondo Regional del Agua, destinado a obras de almacenamiento, siembra y cosecha de agua.

Artículo 24. Administración del fondo
El fondo es administrado por la Gerencia Regional con rendición pública de cuentas cada semestre.

Artículo 25. Proyectos financiables
El fondo financia proyectos presentados por comunidades, juntas de usuarios y municipalidades, evaluados con criterios públicos.

TÍTULO III
DE LA PROTECCIÓN DE LAS CUENCAS

Capítulo VIII
Cabeceras de cuenca

Artículo 26. Zonas de protección
Las cabeceras de cuenca de los ríos Moche, Virú, Chao, Chicama y Jequetepeque se declaran zonas de interés regional para su protección.

Artículo 27. Forestación
La región promueve la forestación con especies nativas en las cabeceras de cuenca.

Artículo 28. Humedales y lagunas
Se prohíbe el drenaje de humedales y lagunas altoandinas, salvo autorización expresa por razones de seguridad.

Capítulo IX
Infracciones y sanciones

Artículo 29. Infracciones
Constituyen infracciones el uso de agua sin derecho, la alteración de turnos de riego y el vertimiento de residuos a los cauces.

Artículo 30. Sanciones
Las infracciones se sancionan con amonestación, multa o suspensión del derecho de uso, según su gravedad y reincidencia.

Artículo 31. Procedimiento
El procedimiento sancionador garantiza el derecho de defensa y se resuelve en un plazo máximo de sesenta días hábiles.

DISPOSICIONES FINALES

Artículo 32. Reglamentación
El Gobierno Regional aprueba el reglamento de la presente ordenanza en un plazo de noventa días.

Artículo 33. Vigencia
La presente ordenanza entra en vigencia al día siguiente de su publicación en el diario oficial.
"""

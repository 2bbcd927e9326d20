"""The demo cases: a dozen shared cases over the five DFF pilot regions, step by step."""

from __future__ import annotations

from datetime import date

from app.demo.directory import (
    BBLA,
    IV_SO,
    OBERER_LEBERBERG,
    OLTEN,
    RAV_GRENCHEN,
    RAV_OLTEN,
    RAV_SOLOTHURN,
    UNTERGAEU,
    WASSERAMT,
)
from app.demo.steps import (
    Activate,
    AddGoal,
    AddMeasure,
    Archive,
    Assess,
    Client,
    Close,
    Conference,
    ConfirmConsent,
    DemoCase,
    FollowUpDone,
    FollowUpStarted,
    GiveConsent,
    ImportDossier,
    Invite,
    Join,
    Leave,
    Minutes,
    Note,
    ReviewHeld,
    RevokeConsent,
    ScheduleConference,
    Segmentation,
    ago,
    ahead,
)
from app.domain.cases import (
    AssessmentKind,
    ClosureReason,
    FollowUpResult,
    MeasureKind,
    MeasureStatus,
    ProgressRating,
    Segment,
)
from app.domain.categories import DataCategory

KURZ, PRAXIS, VPE = AssessmentKind.KURZASSESSMENT, AssessmentKind.PRAXISASSESSMENT, AssessmentKind.VPE
# the segments by their letters, as in the DFF concept
A, V, O, S = Segment.ABLOESEN, Segment.VERAENDERN, Segment.ORIENTIEREN, Segment.STABILISIEREN  # noqa: E741
PLANNED, RUNNING, COMPLETED = MeasureStatus.PLANNED, MeasureStatus.RUNNING, MeasureStatus.COMPLETED
SOZIALHILFE, ARBEITSMARKT = DataCategory.SOZIALHILFE, DataCategory.ARBEITSMARKT
GESUNDHEIT, FALLFUEHRUNG = DataCategory.GESUNDHEIT, DataCategory.FALLFUEHRUNG
INTEGRATIONSPLAN, POTENZIAL = DataCategory.INTEGRATIONSPLAN, DataCategory.POTENZIAL
FIRST = "Erstsegmentierung nach Kurzassessment."

# fmt: off
DEMO_CASES: tuple[DemoCase, ...] = (
    # Wasseramt – active, segment V → A, RAV; reassessment not due
    DemoCase(
        WASSERAMT, "demo-sd", "WA-10413", ago(5, 10),
        Client("756999900101", "Brunner", "Marco", date(1988, 4, 17), "Hauptstrasse 27", "4552 Derendingen"),
        (
            Note(ago(5, 10), SOZIALHILFE, "Erstgespräch",
                 "Bedürftigkeit geprüft und bestätigt. Unterstützungsbudget für einen Einpersonenhaushalt "
                 "erstellt, Mietzins im Rahmen der Richtlinien."),
            Assess(KURZ, ago(5, 3),
                   "Logistiker EFZ mit acht Jahren Berufserfahrung, Stelle nach Betriebsschliessung "
                   "verloren. Keine gesundheitlichen Einschränkungen, motiviert.",
                   "Segment V; Praxisassessment zur Belastbarkeit, Anmeldung beim RAV."),
            Join(RAV_SOLOTHURN, "PSN-4417-2093", ago(5)),
            # consented flow: the Sozialdienst's plan and assessments to the RAV, the RAV's
            # Arbeitsmarkt data back. The Sozialdienst records the form (its own flow counts at once),
            # the RAV confirms its release: both directions in force, so the RAV's Gegenrecht holds.
            GiveConsent("rav", ago(5), ((WASSERAMT, RAV_SOLOTHURN), (RAV_SOLOTHURN, WASSERAMT)),
                        (INTEGRATIONSPLAN, POTENZIAL, ARBEITSMARKT), "Koordination der Stellensuche im DFF"),
            ConfirmConsent("rav", ago(5), by="demo-rav"),
            Segmentation(V, ago(5), FIRST),
            Activate(),
            AddGoal("job", "Stelle im ersten Arbeitsmarkt finden",
                    "Festanstellung als Logistiker oder Lagermitarbeiter, Pensum mindestens 80 %.", ahead(4)),
            AddMeasure("Bewerbungscoaching", MeasureKind.JOB_COACHING, COMPLETED, ago(4, 15), ago(2, 15),
                       "job", "Bewerbungswerkstatt Solothurn", by="demo-rav"),
            AddMeasure("Praxisassessment im Einsatzbetrieb", MeasureKind.PRACTICAL_PLACEMENT, COMPLETED,
                       ago(4), ago(3), "job", "Logistikzentrum Gerlafingen"),
            Assess(PRAXIS, ago(3),
                   "Zuverlässig und pünktlich, Arbeitstempo und Qualität entsprechen dem ersten "
                   "Arbeitsmarkt. Staplerausweis vorhanden.",
                   "Segmentwechsel zu A, Fokus auf die Stellensuche."),
            Note(ago(2, 20), ARBEITSMARKT, "Beratungsgespräch RAV",
                 "Zwei Vorstellungsgespräche bei Logistikfirmen in Gerlafingen und Deitingen. "
                 "Suchbemühungen ausreichend.", by="demo-rav"),
            Segmentation(A, ago(2), "Praxisassessment zeigt volle Arbeitsmarktfähigkeit; "
                                    "Ablösung innert sechs Monaten realistisch."),
            AddMeasure("Zwischenverdienst Lagermitarbeiter 50 %", MeasureKind.LABOUR_MARKET, RUNNING,
                       ago(1), None, "job", "Temporärbüro Solothurn", by="demo-rav"),
            ReviewHeld(ago(0, 20), "Zwischenverdienst läuft gut, Festanstellung in Aussicht.",
                       (("job", ProgressRating.ON_TRACK, "Einsatzbetrieb prüft eine Festanstellung."),),
                       ahead(3)),
            # the RAV's system sends its dossier; with the consent above it reaches the Sozialdienst,
            # and the expected Aussteuerung in two months tells the Sozialdienst "Aussteuerung droht"
            ImportDossier("PSN-4417-2093", ago(5),
                          (("personalberatung", "R. Amsler"), ("suchstatus", "zwischenverdienst"),
                           ("zumutbarkeit", "vermittlungsfaehig"), ("arbeitsfaehigkeit_prozent", 100),
                           ("aussteuerung_voraussichtlich", ahead(2)),
                           ("sanktionen", ((("grund", "ungenuegende_arbeitsbemuehungen"), ("einstelltage", 5),
                                            ("verfuegt_am", ago(3))),))),
                          by="demo-rav"),
            # a conference held with open action items, and an invitation the IV has not yet answered
            ScheduleConference(ago(0, 12), (WASSERAMT, RAV_SOLOTHURN)),
            Minutes("Festanstellung vorbereiten; Budget nach Stellenantritt anpassen.",
                    (("Arbeitsvertrag prüfen und Einarbeitung begleiten", RAV_SOLOTHURN, ahead(1)),
                     ("Unterstützungsbudget ab Stellenantritt neu berechnen", WASSERAMT, ago(0, 2)))),
            Invite(IV_SO, "IV-320.990.412", ago(0, 5)),
            # the client also went to the Sozialregion Olten (it registered him on its own, see
            # OWN_REGISTRATION) and allows Wasseramt to say that it leads his case: a routing consent
            GiveConsent("verweis", ago(0, 3), ((WASSERAMT, OLTEN),), (FALLFUEHRUNG,),
                        "Zuständigkeit klären: Klient hat sich auch in Olten gemeldet", months=6),
        ),
    ),
    # Wasseramt – active, segment O → V, IV and RAV; reassessment due
    DemoCase(
        WASSERAMT, "demo-lead", "WA-09871", ago(14, 5),
        Client("756999900102", "Keller", "Sandra", date(1979, 11, 2), "Bahnhofstrasse 8", "4563 Gerlafingen"),
        (
            Assess(KURZ, ago(14),
                   "Detailhandelsfachfrau EFZ, alleinerziehend mit zwei Kindern (8 und 11). Wiederkehrende "
                   "Rückenbeschwerden, im Verkauf nicht mehr voll einsetzbar.",
                   "Segment O; vertiefte Potenzialerfassung, IV-Früherfassung prüfen."),
            Segmentation(O, ago(14), FIRST),
            Activate(),
            Join(IV_SO, "IV-320.571.118", ago(13, 10)),
            Note(ago(13), GESUNDHEIT, "Früherfassung",
                 "Arztbericht eingeholt: Diskushernie L5/S1, leichte wechselbelastende Tätigkeit "
                 "zu 100 % zumutbar.", by="demo-iv"),
            Join(RAV_SOLOTHURN, "PSN-4417-3381", ago(12)),
            # revoked consent: social-assistance and health data between Sozialdienst and IV
            GiveConsent("iv", ago(12), ((WASSERAMT, IV_SO), (IV_SO, WASSERAMT)), (SOZIALHILFE, GESUNDHEIT),
                        "Abklärung der Umschulung durch die IV", by="demo-lead"),
            Assess(VPE, ago(9),
                   "Gute kaufmännische Grundkenntnisse, sicher am PC, hohe Motivation. Umschulung in eine "
                   "rückenschonende kaufmännische Tätigkeit realistisch.",
                   "Segment V; Umschulung durch die IV prüfen."),
            Conference(ago(8, 10), (WASSERAMT, RAV_SOLOTHURN, IV_SO),
                       "Runder Tisch: IV prüft Umschulung zur Kauffrau EBA; RAV übernimmt das "
                       "Bewerbungstraining; Sozialdienst sichert die Kinderbetreuung.", FALLFUEHRUNG),
            Segmentation(V, ago(8), "vPe zeigt Potenzial für eine Umschulung in eine rückenschonende "
                                    "Tätigkeit.", GESUNDHEIT),
            AddGoal("umschulung", "Rückenschonende Tätigkeit im kaufmännischen Bereich",
                    "Abschluss Kauffrau EBA und Anstellung im Büro.", ahead(10)),
            AddGoal("kita", "Kinderbetreuung während der Umschulung sichern"),
            AddMeasure("Bewerbungstraining", MeasureKind.COURSE, COMPLETED, ago(7), ago(6, 10),
                       "umschulung", "Kurszentrum Solothurn", by="demo-rav"),
            AddMeasure("Umschulung Kauffrau EBA", MeasureKind.IV_VOCATIONAL, RUNNING, ago(6), ahead(10),
                       "umschulung", "Berufsbildungszentrum Solothurn-Grenchen", by="demo-iv"),
            AddMeasure("Kita-Platz und Mittagstisch organisieren", MeasureKind.OTHER, COMPLETED,
                       ago(6), ago(5), "kita", "Kita Gerlafingen"),
            ReviewHeld(ago(3), "Umschulung planmässig, Kinderbetreuung gelöst.",
                       (("umschulung", ProgressRating.ON_TRACK, "Erstes Semester bestanden."),
                        ("kita", ProgressRating.ACHIEVED, "")),
                       ahead(3)),
            RevokeConsent("iv", ago(2), "Klientin hat die Einwilligung am Schalter widerrufen (schriftlich "
                                        "bestätigt).", by="demo-lead"),
            Note(ago(1), SOZIALHILFE, "Budgetanpassung",
                 "IV-Taggeld und Familienzulagen neu angerechnet; Unterstützung reduziert."),
            # the IV's and the RAV's systems send their dossiers; with the IV consent revoked and no
            # consent for the RAV's data, neither reaches the Sozialdienst
            ImportDossier("IV-320.571.118", ago(13, 10),
                          (("fruehintervention_angeordnet", True), ("arbeitsfaehigkeit_prozent", 50),
                           ("entscheid_status", "leistung_zugesprochen"),
                           ("entscheide", ((("art", "fruehintervention"), ("datum", ago(12, 20)),
                                            ("ergebnis", "zugesprochen")),
                                           (("art", "berufliche_massnahme"), ("datum", ago(6, 10)),
                                            ("ergebnis", "zugesprochen"))))),
                          by="demo-iv"),
            ImportDossier("PSN-4417-3381", ago(12),
                          (("suchstatus", "in_massnahme"),
                           ("zumutbarkeit", "eingeschraenkt_vermittlungsfaehig"),
                           ("arbeitsfaehigkeit_prozent", 50)),
                          by="demo-rav"),
        ),
    ),
    # Wasseramt – active, segment S (confirmed), IV; reassessment due
    DemoCase(
        WASSERAMT, "demo-sd", "WA-10102", ago(10),
        Client("756999900103", "Gashi", "Arben", date(1971, 6, 23), "Solothurnstrasse 61", "4543 Deitingen"),
        (
            Assess(KURZ, ago(10),
                   "Bauarbeiter, seit einem Arbeitsunfall vor zwei Jahren ohne Erwerb. Chronische Schmerzen, "
                   "depressive Verstimmung, Betreibungen.",
                   "Segment S; Gesundheit und Schulden stabilisieren, IV-Anmeldung."),
            Segmentation(S, ago(9, 20), FIRST),
            Activate(),
            Join(IV_SO, "IV-320.448.902", ago(9)),
            # expired consent: the IV's health data to the Sozialdienst for six months only
            GiveConsent("iv", ago(9), ((IV_SO, WASSERAMT),), (GESUNDHEIT,),
                        "Stabilisierung während der IV-Abklärung", months=6, by="demo-iv"),
            Note(ago(8), GESUNDHEIT, "IV-Anmeldung",
                 "Anmeldung eingegangen; polydisziplinäres Gutachten in Auftrag gegeben.", by="demo-iv"),
            AddGoal("gesundheit", "Gesundheitliche Situation stabilisieren"),
            AddGoal("schulden", "Schuldensanierung einleiten"),
            AddMeasure("Tagesstruktur im Sozialzentrum", MeasureKind.SOCIAL_INTEGRATION, RUNNING,
                       ago(7, 10), None, "gesundheit", "Tagesstätte Wasseramt"),
            Segmentation(S, ago(7), "Neubeurteilung: unverändert, IV-Abklärung läuft."),
            AddMeasure("Budget- und Schuldenberatung", MeasureKind.OTHER, RUNNING, ago(6), None,
                       "schulden", "Fachstelle Schuldenberatung Solothurn"),
            Note(ago(0, 12), SOZIALHILFE, "Wohnsituation",
                 "Mietzinsrückstand beglichen, Direktzahlung der Miete an die Verwaltung eingerichtet."),
            # pending consent: the IV recorded the client's release of the Sozialdienst's
            # social-assistance data to the IV; it waits for the Sozialdienst, the data owner
            GiveConsent("sozialhilfe-an-iv", ago(0, 10), ((WASSERAMT, IV_SO),), (SOZIALHILFE,),
                        "Abklärung beruflicher Massnahmen der IV", by="demo-iv"),
        ),
    ),
    # Wasseramt – intake, segment O, RAV
    DemoCase(
        WASSERAMT, "demo-sd", "WA-10588", ago(0, 21),
        Client("756999900104", "Meier", "Nicole", date(1995, 2, 9), "Dorfstrasse 3", "4566 Kriegstetten"),
        (
            Note(ago(0, 21), SOZIALHILFE, "Erstgespräch",
                 "Anmeldung nach Trennung; Bedürftigkeitsprüfung eingeleitet, Lohnabrechnungen und "
                 "Mietvertrag angefordert."),
            Join(RAV_SOLOTHURN, "PSN-4417-5120", ago(0, 14)),
            Assess(KURZ, ago(0, 10),
                   "Lehre als Coiffeuse abgebrochen, danach Temporäreinsätze im Verkauf. Berufliche "
                   "Perspektive unklar, gute Sozialkompetenz.",
                   "Segment O; Berufsberatung und Potenzialabklärung."),
            Note(ago(0, 9), ARBEITSMARKT, "Anmeldung RAV",
                 "Zur Arbeitsvermittlung angemeldet, erstes Beratungsgespräch vereinbart.", by="demo-rav"),
            # legal basis: during the intake the IV sees the RAV's data (Art. 35a Abs. 1bis AVG)
            Join(IV_SO, "IV-320.905.233", ago(0, 8)),
            Segmentation(O, ago(0, 7), FIRST),
        ),
    ),
    # Wasseramt – closed (employment), follow-up pending; segment V → A, RAV
    DemoCase(
        WASSERAMT, "demo-sd", "WA-09950", ago(11),
        Client("756999900105", "Rüfenacht", "Thomas", date(1983, 8, 30), "Luzernstrasse 14", "4553 Subingen"),
        (
            Assess(KURZ, ago(11),
                   "Koch EFZ, nach Konkurs des Arbeitgebers arbeitslos. Das Taggeld der "
                   "Arbeitslosenversicherung reicht für die vierköpfige Familie nicht aus.",
                   "Segment V; Einsatzprogramm über das RAV."),
            Join(RAV_SOLOTHURN, "PSN-4417-1764", ago(11)),
            Segmentation(V, ago(10, 20), FIRST),
            Activate(),
            AddGoal("job", "Festanstellung in der Gastronomie", target=ago(4)),
            AddMeasure("Einsatzprogramm Gastronomie", MeasureKind.LABOUR_MARKET, COMPLETED, ago(9), ago(6),
                       "job", "Gastro-Einsatzprogramm Solothurn", by="demo-rav"),
            Segmentation(A, ago(5, 15), "Einsatzprogramm erfolgreich, mehrere Stellenangebote; "
                                        "Ablösung absehbar."),
            Note(ago(3), ARBEITSMARKT, "Stellenantritt",
                 "Festanstellung als Koch 100 % in einem Alterszentrum; Abmeldung bei der "
                 "Arbeitslosenversicherung.", by="demo-rav"),
            Close(ClosureReason.ERWERBSARBEIT, ago(2), "Ablösung durch Festanstellung als Koch (100 %)."),
            Note(ago(1, 10), SOZIALHILFE, "Schlussabrechnung",
                 "Schlussabrechnung erstellt, letzte Unterstützungszahlung verbucht."),
        ),
    ),
    # Wasseramt – archived after a sustainable follow-up; segment O → V → A, IV and RAV
    DemoCase(
        WASSERAMT, "demo-lead", "WA-08734", ago(22),
        Client("756999900106", "Zimmermann", "Petra", date(1990, 12, 12), "Industriestrasse 5",
               "4552 Derendingen"),
        (
            Assess(KURZ, ago(22),
                   "Fachfrau Gesundheit EFZ, nach Erschöpfungsdepression seit einem Jahr arbeitsunfähig, "
                   "Krankentaggeld ausgeschöpft.",
                   "Segment O; IV-Früherfassung."),
            Segmentation(O, ago(21, 20), FIRST),
            Activate(),
            Join(IV_SO, "IV-320.219.664", ago(21)),
            AddMeasure("Belastbarkeitstraining", MeasureKind.IV_EARLY_INTERVENTION, COMPLETED, ago(19),
                       ago(16), "", "Stiftung Arbeitsintegration Solothurn", by="demo-iv"),
            Segmentation(V, ago(16), "Belastbarkeit auf 50 % gesteigert; Wiedereinstieg mit Unterstützung "
                                     "der IV realistisch.", GESUNDHEIT),
            Join(RAV_SOLOTHURN, "PSN-4417-0412", ago(15)),
            AddGoal("job", "Wiedereinstieg in die Pflege mit mindestens 60 %"),
            AddMeasure("Arbeitsversuch im Alterszentrum", MeasureKind.IV_VOCATIONAL, COMPLETED, ago(14),
                       ago(11), "job", "Alterszentrum Wasseramt", by="demo-iv"),
            Segmentation(A, ago(11), "Arbeitsversuch erfolgreich, Anstellung in Aussicht."),
            Close(ClosureReason.ERWERBSARBEIT, ago(9),
                  "Festanstellung als Fachfrau Gesundheit (70 %), Einkommen existenzsichernd."),
            FollowUpStarted(ago(3)),
            Note(ago(2, 10), FALLFUEHRUNG, "Nachbetreuungsgespräch",
                 "Stelle ungekündigt, Pensum auf 80 % erhöht; keine Unterstützung mehr nötig."),
            FollowUpDone(FollowUpResult.SUSTAINABLE, ago(2),
                         "Nachhaltig abgelöst: Anstellung ungekündigt, Budget ausgeglichen."),
        ),
    ),
    # Olten – active, segment V (confirmed), RAV Olten and IV; reassessment due
    DemoCase(
        OLTEN, "sd-olten", "OL-22417", ago(12),
        Client("756999900107", "Yilmaz", "Deniz", date(1985, 3, 19), "Baslerstrasse 112", "4600 Olten"),
        (
            Assess(KURZ, ago(12),
                   "Polymechaniker, nach Schulterverletzung in der bisherigen Tätigkeit nicht mehr voll "
                   "einsetzbar. Deutsch B1.",
                   "Segment V; IV-Abklärung und Anmeldung beim RAV."),
            Join(RAV_OLTEN, "PSN-4602-0871", ago(11, 20)),
            Join(IV_SO, "IV-320.733.045", ago(11, 10)),
            Segmentation(V, ago(11), FIRST),
            Activate(),
            AddGoal("job", "Anstellung in einer angepassten Tätigkeit (Qualitätskontrolle)", target=ahead(6)),
            AddMeasure("Deutschkurs B2", MeasureKind.COURSE, COMPLETED, ago(10), ago(7), "job",
                       "Volkshochschule Olten", owner=RAV_OLTEN),
            Segmentation(V, ago(9), "Neubeurteilung: Segment bestätigt, IV-Abklärung abgeschlossen."),
            AddMeasure("Umschulung Qualitätsprüfer", MeasureKind.IV_VOCATIONAL, RUNNING, ago(8), ahead(6),
                       "job", "Berufsbildungszentrum Olten", by="demo-iv"),
            Conference(ago(6), (OLTEN, RAV_OLTEN, IV_SO),
                       "Umschulung bis zum Abschluss fortsetzen; RAV sichert die Rahmenfrist; "
                       "Sozialdienst überbrückt Lücken beim Taggeld."),
            Note(ago(1), GESUNDHEIT, "Verlaufsbericht",
                 "Schulter stabil; leichte bis mittelschwere Tätigkeit zu 100 % zumutbar.", by="demo-iv"),
        ),
    ),
    # Olten – follow-up under way; segment V → A, RAV Olten
    DemoCase(
        OLTEN, "sd-olten", "OL-21876", ago(15),
        Client("756999900108", "Müller", "Jasmin", date(1992, 7, 5), "Aarauerstrasse 40", "4600 Olten"),
        (
            Assess(KURZ, ago(15),
                   "Kaufmännische Angestellte EFZ, nach Mutterschaft und Trennung Wiedereinstieg gesucht; "
                   "Kinderbetreuung ungeklärt.",
                   "Segment V; Kinderbetreuung klären, dann Stellensuche."),
            Segmentation(V, ago(14, 20), FIRST),
            Activate(),
            Join(RAV_OLTEN, "PSN-4602-1932", ago(14)),
            AddGoal("job", "Stelle im ersten Arbeitsmarkt finden (Pensum 60–80 %)"),
            AddMeasure("Bewerbungscoaching", MeasureKind.JOB_COACHING, COMPLETED, ago(13), ago(11), "job",
                       "Bewerbungswerkstatt Olten", owner=RAV_OLTEN),
            Segmentation(A, ago(11), "Kinderbetreuung mit Kita-Platz geregelt, volle Vermittlungsfähigkeit."),
            Close(ClosureReason.ERWERBSARBEIT, ago(7),
                  "Anstellung als Sachbearbeiterin 80 % bei einer Versicherung in Olten."),
            FollowUpStarted(ago(0, 7)),
            Note(ago(0, 5), FALLFUEHRUNG, "Nachbetreuung",
                 "Telefonischer Kontakt: Probezeit bestanden, Budget ausgeglichen. "
                 "Abschlussgespräch vereinbart."),
        ),
    ),
    # BBLA – active, segment S → O, RAV; reassessment not due
    DemoCase(
        BBLA, "sd-bbla", "BB-3318", ago(6),
        Client("756999900109", "Schneider", "Luca", date(2003, 9, 14), "Bleichenbergstrasse 19",
               "4562 Biberist"),
        (
            Note(ago(6), SOZIALHILFE, "Erstgespräch",
                 "Junger Erwachsener, wohnt bei der Mutter; eigener Unterstützungsbedarf geprüft "
                 "und bejaht."),
            Assess(KURZ, ago(5, 20),
                   "Lehre als Logistiker EFZ im zweiten Lehrjahr abgebrochen, seither ohne Tagesstruktur. "
                   "Gute praktische Fähigkeiten.",
                   "Segment S; zuerst Tagesstruktur, dann Berufsorientierung."),
            Segmentation(S, ago(5, 15), FIRST),
            Activate(),
            Join(RAV_SOLOTHURN, "PSN-4417-6645", ago(5)),
            # Segment S allows no labour-market measure: the SEMO follows the change to O.
            Segmentation(O, ago(4, 10), "Tagesstruktur stabil; Fokus auf berufliche Orientierung und "
                                        "Lehrstellensuche."),
            AddGoal("lehre", "Lehrstelle als Logistiker EFZ finden", target=ahead(5)),
            AddMeasure("Motivationssemester (SEMO)", MeasureKind.LABOUR_MARKET, RUNNING, ago(4), ahead(2),
                       "lehre", "SEMO Solothurn", by="demo-rav"),
            Assess(PRAXIS, ago(3, 5),
                   "Schnupperwoche im Logistikbetrieb: pünktlich, körperlich belastbar, braucht klare "
                   "Strukturen.",
                   "Lehrstellensuche mit Coaching fortsetzen."),
            ReviewHeld(ago(1), "SEMO wird regelmässig besucht, zwei Schnupperlehren vereinbart.",
                       (("lehre", ProgressRating.ON_TRACK, "Zwei Schnupperlehren vereinbart."),),
                       ahead(2)),
        ),
    ),
    # BBLA – closed (IV pension), follow-up pending and overdue; segment S, IV
    DemoCase(
        BBLA, "sd-bbla", "BB-2741", ago(26),
        Client("756999900110", "Rossi", "Giulia", date(1966, 1, 28), "Hauptstrasse 51",
               "4573 Lohn-Ammannsegg"),
        (
            Assess(KURZ, ago(26),
                   "Reinigungsfachfrau, mehrere Knieoperationen, seit Jahren teilweise arbeitsunfähig.",
                   "Segment S; IV-Anmeldung."),
            Segmentation(S, ago(25, 20), FIRST),
            Activate(),
            Join(IV_SO, "IV-320.102.377", ago(25)),
            AddGoal("iv", "Existenzsicherung durch IV-Leistungen klären"),
            Note(ago(20), GESUNDHEIT, "Gutachten",
                 "Polydisziplinäres Gutachten: Arbeitsfähigkeit in angepasster Tätigkeit 30 %.",
                 by="demo-iv"),
            Segmentation(S, ago(19), "Neubeurteilung: unverändert, IV-Entscheid ausstehend."),
            Segmentation(S, ago(13), "Neubeurteilung: unverändert, Vorbescheid der IV liegt vor."),
            Note(ago(10), GESUNDHEIT, "Rentenentscheid",
                 "Verfügung: Dreiviertelsrente; Anspruch auf Ergänzungsleistungen wird geprüft.",
                 by="demo-iv"),
            Close(ClosureReason.IV_RENTE, ago(8), "Ablösung durch IV-Rente und Ergänzungsleistungen."),
        ),
    ),
    # Oberer Leberberg – active, segment V → A, RAV Grenchen and IV; reassessment not due
    DemoCase(
        OBERER_LEBERBERG, "sd-oberer-leberberg", "OLB-5520", ago(8),
        Client("756999900111", "Huber", "Reto", date(1976, 5, 11), "Bielstrasse 88", "2540 Grenchen"),
        (
            Assess(KURZ, ago(8),
                   "Uhrmacher-Praktiker, nach Stellenabbau in der Uhrenindustrie arbeitslos; Hörbehinderung.",
                   "Segment V; Hilfsmittel über die IV, Vermittlung über das RAV."),
            Join(RAV_GRENCHEN, "PSN-2540-3318", ago(7, 25)),
            Segmentation(V, ago(7, 20), FIRST),
            Activate(),
            Join(IV_SO, "IV-320.880.516", ago(7)),
            # consented flow: the IV releases its health data (its dossier included) to the Sozialdienst
            GiveConsent("iv", ago(7), ((IV_SO, OBERER_LEBERBERG),), (GESUNDHEIT,),
                        "Hilfsmittel und Vermittlung abstimmen", by="demo-iv"),
            AddMeasure("Hörgeräteversorgung (Hilfsmittel)", MeasureKind.OTHER, COMPLETED, ago(6), ago(5), "",
                       "Akustiker Grenchen", by="demo-iv"),
            AddGoal("job", "Stelle im ersten Arbeitsmarkt finden"),
            AddMeasure("Stellenvermittlung Präzisionsindustrie", MeasureKind.LABOUR_MARKET, RUNNING, ago(4),
                       None, "job", owner=RAV_GRENCHEN),
            Segmentation(A, ago(4), "Hörgeräte angepasst, volle Vermittlungsfähigkeit; offene Stellen in der "
                                    "Region Grenchen."),
            Note(ago(0, 15), ARBEITSMARKT, "Probearbeit",
                 "Probetag bei einem Uhrenhersteller in Grenchen verlief positiv, Vertragsangebot erwartet."),
            ImportDossier("IV-320.880.516", ago(7),
                          (("fruehintervention_angeordnet", False), ("arbeitsfaehigkeit_prozent", 100),
                           ("entscheid_status", "abgeschlossen"),
                           ("entscheide", ((("art", "berufliche_massnahme"), ("datum", ago(6, 5)),
                                            ("ergebnis", "zugesprochen")),))),
                          by="demo-iv"),
        ),
    ),
    # Oberer Leberberg – closed (moved away), archived without follow-up; segment O
    DemoCase(
        OBERER_LEBERBERG, "sd-oberer-leberberg", "OLB-4971", ago(16),
        Client("756999900112", "Berisha", "Valentina", date(1998, 10, 22), "Dorfstrasse 17", "2544 Bettlach"),
        (
            Assess(KURZ, ago(16), "Junge Mutter ohne Berufsausbildung, Deutsch B2, Interesse an der Pflege.",
                   "Segment O; Berufsberatung, Lehrgang Pflegehelferin SRK prüfen."),
            Segmentation(O, ago(15, 20), FIRST),
            Activate(),
            AddGoal("ausbildung", "Lehrgang Pflegehelferin SRK absolvieren"),
            AddMeasure("Berufsberatung", MeasureKind.OTHER, COMPLETED, ago(14), ago(13), "ausbildung",
                       "BIZ Grenchen"),
            Note(ago(7), SOZIALHILFE, "Wegzug",
                 "Klientin zieht in den Kanton Bern; Unterlagen mit ihrer Einwilligung an den neuen "
                 "Sozialdienst übergeben."),
            Close(ClosureReason.WEGZUG, ago(6), "Wegzug in den Kanton Bern, Zuständigkeit übergeben."),
            Archive(),
        ),
    ),
    # Untergäu – active, segment V → S, IV (the RAV left); reassessment due
    DemoCase(
        UNTERGAEU, "sd-untergaeu", "UG-1187", ago(18),
        Client("756999900113", "Frei", "Daniel", date(1969, 4, 3), "Allmendstrasse 9", "4614 Hägendorf"),
        (
            Assess(KURZ, ago(18),
                   "Chauffeur Kat. C, Führerausweis wegen Alkohol am Steuer entzogen. "
                   "Suchtberatung begonnen.",
                   "Segment V; Abstinenznachweis, Umorientierung ohne Führerausweis."),
            Join(RAV_OLTEN, "PSN-4602-2207", ago(17, 20)),
            Segmentation(V, ago(17, 15), FIRST),
            Activate(),
            AddGoal("stabil", "Abstinenz festigen und Tagesstruktur aufbauen"),
            Join(IV_SO, "IV-320.664.390", ago(12)),
            Leave(RAV_OLTEN, ago(11)),
            Segmentation(S, ago(11), "Rückfall und stationärer Entzug; Integration vorerst nicht "
                                     "realistisch."),
            AddMeasure("Stationäre Suchttherapie", MeasureKind.OTHER, COMPLETED, ago(11), ago(8), "stabil",
                       "Suchtfachklinik"),
            AddMeasure("Beschäftigungsprogramm Werkstatt", MeasureKind.SOCIAL_INTEGRATION, RUNNING, ago(7),
                       None, "stabil", "Arbeitswerkstatt Untergäu"),
            Segmentation(S, ago(6, 10), "Neubeurteilung: unverändert, abstinent seit Therapieende."),
            Note(ago(5), GESUNDHEIT, "IV-Abklärung",
                 "Berufliche Massnahmen sistiert, bis die Abstinenz über sechs Monate ausgewiesen ist.",
                 by="demo-iv"),
        ),
    ),
    # Untergäu – intake, not yet segmented
    DemoCase(
        UNTERGAEU, "sd-untergaeu", "UG-1342", ago(0, 10),
        Client("756999900114", "Wyss", "Lea", date(1999, 6, 26), "Oltnerstrasse 22", "4616 Kappel SO"),
        (
            Note(ago(0, 10), SOZIALHILFE, "Erstgespräch",
                 "Anmeldung nach Wohnungskündigung; Notunterkunft organisiert, Bedürftigkeitsprüfung "
                 "eingeleitet."),
            Assess(KURZ, ago(0, 3),
                   "Fachfrau Betreuung EFZ, zuletzt Temporärstellen; keine gesundheitlichen Einschränkungen "
                   "bekannt.",
                   "Anmeldung beim RAV; Segmentierung nach Vorliegen der Unterlagen."),
        ),
    ),
)
# fmt: on

# Marco Brunner as the Sozialregion Olten registered him itself: its own spelling and address. Olten
# sees only this, never Wasseramt's record of him.
OWN_REGISTRATION = Client(
    "756999900101", "Brunner", "Marco Luca", date(1988, 4, 17), "Aarauerstrasse 5", "4600 Olten"
)

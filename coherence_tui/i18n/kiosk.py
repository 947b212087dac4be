"""Interface strings (home, kiosk, PIN and facilitator screens). Same keys in EN and PL.

What a participant sees (the ``kiosk.`` and ``web.`` keys) is also in Ukrainian and
Russian (``UK``, ``RU``); the facilitator's screens fall back to English there.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # kiosk: welcome
    "kiosk.welcome.title": "Customer service coherence",
    "kiosk.welcome.body": (
        "Thank you for taking part. Your answers are anonymous: nobody, "
        "the board included, can see what one person answered."
    ),
    "kiosk.welcome.count": "{count:short_statements} · about {minutes} min",
    "kiosk.welcome.start": "Press Enter to start",
    "kiosk.choice.hint.touch": "Tap your answer",
    "kiosk.statement.hint.touch": "Tap an answer; Back returns to the previous statement",
    "kiosk.statement.back": "Back",
    # browser kiosk page (coherence-tui serve)
    "web.connecting": "Connecting…",
    "web.reconnecting": "Connection lost. Reconnecting… your answers are saved.",
    "web.done": "Thank you! Your answers are saved. You can close this page.",
    "web.full": "The room is full. Please try again in a minute: this page retries by itself.",
    "web.forbidden": (
        "This link is not valid (any more). Scan the QR code on the projector again."
    ),
    "kiosk.thanks.body.web": "Your answers are saved. You can close this page now.",
    # kiosk: level and department
    "kiosk.level.title": "Where do you work?",
    "kiosk.level.board": "Board",
    "kiosk.level.management": "Management",
    "kiosk.level.front_line": "Front line",
    "kiosk.level.board.hint": "executives, directors",
    "kiosk.level.management.hint": "middle and line managers",
    "kiosk.level.front_line.hint": "staff who deal with customers",
    "kiosk.department.title": "Which department?",
    "kiosk.department.none": "No department",
    "kiosk.choice.back": "Backspace goes back",
    "kiosk.instruction.title": "Before you start",
    "kiosk.instruction.hint": "Press Enter to see the first statement",
    "kiosk.instruction.hint.touch": "Tap to see the first statement",
    "kiosk.idle.title": "Still there?",
    "kiosk.idle.body": (
        "Press any key to carry on. If nobody does, this questionnaire closes in a moment "
        "and the answers given so far are kept."
    ),
    "kiosk.idle.hint": "Press any key",
    "kiosk.choice.hint": "Press a number, or use the arrows and Enter",
    "kiosk.language.title": "Choose your language",
    # kiosk: statement
    "kiosk.statement.progress": "{index} / {total}",
    "kiosk.statement.hint": ("Keys 1-5 answer, 0 = don't know, Backspace goes back one statement"),
    "kiosk.statement.error": "The answer was not saved: {error}",
    # kiosk: prediction round
    "kiosk.predict.progress": "Estimate {index} / {total}",
    "kiosk.predict.question": (
        "One last step. Out of every 100 front-line staff, how many do you think "
        "agree with this statement?"
    ),
    "kiosk.predict.hint": (
        "1-9 = 10 %-90 %, arrows move by 5 and Enter confirms, "
        "0 = I would rather not guess, Backspace goes back"
    ),
    # kiosk: thanks, pause, closed
    "kiosk.thanks.title": "Thank you!",
    "kiosk.thanks.body": "Your answers are saved. Please hand the keyboard to the next person.",
    "kiosk.thanks.hint": "Press Enter (or wait a few seconds)",
    "kiosk.paused.title": "Short break",
    "kiosk.paused.body": "The facilitator has paused the session. It will continue shortly.",
    "kiosk.closed.title": "The session is closed",
    "kiosk.closed.body": "Thank you: no more answers are being collected.",
    # PIN prompt
    "pin.title": "Facilitator PIN",
    "pin.hint": "Enter confirms, Escape cancels",
    "pin.placeholder": "PIN",
    "pin.wrong": "Wrong PIN. {left:attempts_left} before a 60 second lock.",
    "pin.unrecorded": "The PIN was not checked: {error}",
    "pin.locked": "Too many wrong PINs. Try again in {seconds} s.",
    "pin.unlocked": "You can try again.",
    # facilitator menu
    "menu.title": "Facilitator menu",
    "menu.hint": "Press a letter, or the arrows and Enter · Escape returns to the kiosk",
    "menu.status": "{name} · {questionnaire}",
    "menu.participation": (
        "Board {board} · Management {management} · Front line {front_line} · {answers:answers}"
    ),
    "menu.state.hidden": "results hidden from the room",
    "menu.state.revealed": "results visible to the room",
    "menu.state.paused": "paused",
    "menu.state.running": "collecting answers",
    "menu.state.ended": "ended: no more answers",
    "menu.dashboard": "Dashboard",
    "menu.reveal": "Reveal results to the room",
    "menu.hide": "Hide results from the room",
    "menu.kiosk": "Back to the kiosk (locks)",
    "menu.next": "Close the participant at the kiosk and start over (locks)",
    "menu.pause": "Pause the kiosk",
    "menu.resume": "Resume the kiosk",
    "menu.end": "End the session",
    "menu.export_json": "Export JSON (full data)",
    "menu.export_csv": "Export CSV (answers)",
    "menu.export_md": "Export Markdown (report)",
    "menu.screenshot": "Save an SVG screenshot of the dashboard",
    "menu.settings": "Settings",
    "menu.queue": "Discussion queue and item spotlight",
    "menu.predictions": "Prediction round: expected against actual",
    "menu.chain": "Chain per area and heat maps",
    "menu.compare": "Compare with an earlier workshop",
    "menu.plan": "Action plan",
    "menu.closing": "Closing screen: what we commit to",
    "menu.export_html": "Export the client report (HTML, prints to PDF)",
    "menu.archive": "Archive the session (the action plan becomes final)",
    "menu.archive.confirm": "Archive the session? The action plan becomes final.",
    "menu.archive.needs_end": "End the session first (e), then archive it.",
    "menu.archive.done": "Archived: the action plan is final.",
    "menu.rotate": "New join link for phones (links already in use keep working)",
    "menu.rotated": "New join link requested: the projector shows it in a moment",
    "menu.quit": "Quit",
    "menu.exported": "Saved {path}",
    "menu.export_failed": "Export failed: {error}",
    "menu.end.confirm": "End the session? The kiosk will take no more answers.",
    "menu.quit.confirm": "Quit coherence-tui?",
    "menu.yes": "Yes",
    "menu.no": "No",
    # settings
    "settings.title": "Session settings",
    "settings.k": "Anonymity threshold k (groups with fewer participants show no figures)",
    "settings.err.k_lower": (
        "k can only go up now (at least {k}): people answered believing smaller groups were hidden"
    ),
    "settings.language": "Interface language",
    "settings.language.auto": "Questionnaire's language",
    "settings.prediction_round": "Prediction round (board and management estimate the front line)",
    "settings.save": "Save",
    "settings.cancel": "Cancel",
    "settings.saved": "Settings saved",
    # home
    "home.title": "coherence-tui: customer service coherence workshops",
    "home.new": "New workshop",
    "home.resume": "Resume a session",
    "home.demo": "Open the demo",
    "home.name": "Workshop name",
    "home.name.placeholder": "e.g. acme-2026-03",
    "home.questionnaire": "Questionnaire",
    "home.questionnaire.row": "{title} · {language} · {items} statements",
    "home.departments": "Departments (optional, comma-separated)",
    "home.departments.placeholder": "e.g. Sales, Support, Logistics",
    "home.k": "Anonymity threshold k (1 or 2 only for a rehearsal)",
    "home.pin": "Facilitator PIN (4-12 digits)",
    "home.pin2": "Facilitator PIN again",
    "home.create": "Create and start",
    "home.err.name": (
        "1-100 letters, digits, spaces, '_', '-' or '.', starting with a letter or digit."
    ),
    "home.err.department_name": (
        "Department {name!r}: 1-40 characters, no commas or control characters."
    ),
    "home.err.departments_unique": "Department names must differ.",
    "home.err.departments_many": "At most 9 departments (keys 1-9 at the kiosk).",
    "home.err.name_taken": "A session with this name already exists.",
    "home.err.questionnaire": "Pick a questionnaire.",
    "home.err.no_questionnaires": "No questionnaires found.",
    "home.err.k": "A whole number from 1 to 100.",
    "home.err.pin": "4 to 12 digits.",
    "home.err.pin2": "The two PINs differ.",
    "home.err.create": "Could not create the session: {error}",
    "home.col.name": "Session",
    "home.col.date": "Created",
    "home.col.board": "Board",
    "home.col.management": "Mgmt",
    "home.col.front_line": "Front line",
    "home.col.answers": "Answers",
    "home.unreadable": "unreadable: {error}",
    "home.no_sessions": "No sessions yet in {directory}.",
    "home.hint": "Tab moves between fields · Enter on a session resumes it · ctrl+q quits",
    # app
    "app.no_session": "No session to open.",
}

PL: dict[str, str] = {
    "kiosk.welcome.title": "Spójność obsługi klienta",
    "kiosk.welcome.body": (
        "Dziękujemy za udział. Odpowiedzi są anonimowe: nikt, również zarząd, "
        "nie zobaczy, co odpowiedziała konkretna osoba."
    ),
    "kiosk.welcome.count": "{count:short_statements} · około {minutes} min",
    "kiosk.welcome.start": "Naciśnij Enter, aby zacząć",
    "kiosk.choice.hint.touch": "Dotknij swojej odpowiedzi",
    "kiosk.statement.hint.touch": "Dotknij odpowiedzi; Wstecz wraca do poprzedniego stwierdzenia",
    "kiosk.statement.back": "Wstecz",
    # strona kiosku w przeglądarce (coherence-tui serve)
    "web.connecting": "Łączenie…",
    "web.reconnecting": "Utracono połączenie. Łączę ponownie… odpowiedzi są zapisane.",
    "web.done": "Dziękujemy! Odpowiedzi są zapisane. Możesz zamknąć tę stronę.",
    "web.full": "Sala jest pełna. Spróbuj ponownie za minutę: strona ponowi próbę sama.",
    "web.forbidden": ("Ten link jest nieważny. Zeskanuj ponownie kod QR z projektora."),
    "kiosk.thanks.body.web": "Odpowiedzi zostały zapisane. Możesz już zamknąć tę stronę.",
    "kiosk.level.title": "Gdzie pracujesz?",
    "kiosk.level.board": "Zarząd",
    "kiosk.level.management": "Kadra kierownicza",
    "kiosk.level.front_line": "Pierwsza linia",
    "kiosk.level.board.hint": "członkowie zarządu, dyrektorzy",
    "kiosk.level.management.hint": "kierownicy średniego i niższego szczebla",
    "kiosk.level.front_line.hint": "osoby pracujące bezpośrednio z klientami",
    "kiosk.department.title": "W którym dziale?",
    "kiosk.department.none": "Bez działu",
    "kiosk.choice.back": "Backspace wraca",
    "kiosk.instruction.title": "Zanim zaczniesz",
    "kiosk.instruction.hint": "Naciśnij Enter, aby zobaczyć pierwsze stwierdzenie",
    "kiosk.instruction.hint.touch": "Dotknij, aby zobaczyć pierwsze stwierdzenie",
    "kiosk.idle.title": "Jesteś tam?",
    "kiosk.idle.body": (
        "Naciśnij dowolny klawisz, aby kontynuować. Jeśli nikt tego nie zrobi, ankieta "
        "za chwilę się zamknie, a dotychczasowe odpowiedzi zostaną zachowane."
    ),
    "kiosk.idle.hint": "Naciśnij dowolny klawisz",
    "kiosk.choice.hint": "Naciśnij cyfrę albo użyj strzałek i Enter",
    "kiosk.language.title": "Wybierz język",
    "kiosk.statement.progress": "{index} / {total}",
    "kiosk.statement.hint": (
        "Klawisze 1-5 to odpowiedź, 0 = nie wiem, Backspace cofa o jedno stwierdzenie"
    ),
    "kiosk.statement.error": "Odpowiedź nie została zapisana: {error}",
    "kiosk.predict.progress": "Szacunek {index} / {total}",
    "kiosk.predict.question": (
        "Ostatni krok. Jak myślisz, ile na każde 100 osób z pierwszej linii zgadza się "
        "z tym stwierdzeniem?"
    ),
    "kiosk.predict.hint": (
        "1-9 = 10 %-90 %, strzałki zmieniają o 5, Enter zatwierdza, "
        "0 = wolę nie zgadywać, Backspace cofa"
    ),
    "kiosk.thanks.title": "Dziękujemy!",
    "kiosk.thanks.body": "Odpowiedzi zostały zapisane. Przekaż klawiaturę następnej osobie.",
    "kiosk.thanks.hint": "Naciśnij Enter (albo poczekaj kilka sekund)",
    "kiosk.paused.title": "Krótka przerwa",
    "kiosk.paused.body": "Prowadzący wstrzymał sesję. Za chwilę będzie można kontynuować.",
    "kiosk.closed.title": "Sesja jest zamknięta",
    "kiosk.closed.body": "Dziękujemy: odpowiedzi nie są już zbierane.",
    "pin.title": "PIN prowadzącego",
    "pin.hint": "Enter zatwierdza, Escape anuluje",
    "pin.placeholder": "PIN",
    "pin.wrong": "Błędny PIN. {left:attempts_left} przed blokadą na 60 sekund.",
    "pin.unrecorded": "PIN nie został sprawdzony: {error}",
    "pin.locked": "Zbyt wiele błędnych prób. Spróbuj ponownie za {seconds} s.",
    "pin.unlocked": "Możesz spróbować ponownie.",
    "menu.title": "Menu prowadzącego",
    "menu.hint": "Naciśnij literę albo użyj strzałek i Enter · Escape wraca do kiosku",
    "menu.status": "{name} · {questionnaire}",
    "menu.participation": (
        "Zarząd {board} · Kadra kierownicza {management} · Pierwsza linia {front_line}"
        " · odpowiedzi: {answers}"
    ),
    "menu.state.hidden": "wyniki ukryte przed salą",
    "menu.state.revealed": "wyniki widoczne dla sali",
    "menu.state.paused": "wstrzymana",
    "menu.state.running": "zbieranie odpowiedzi",
    "menu.state.ended": "zakończona: bez nowych odpowiedzi",
    "menu.dashboard": "Panel wyników",
    "menu.reveal": "Pokaż wyniki sali",
    "menu.hide": "Ukryj wyniki przed salą",
    "menu.kiosk": "Wróć do kiosku (blokuje)",
    "menu.next": "Zamknij ankietę osoby przy kiosku i zacznij od nowa (blokuje)",
    "menu.pause": "Wstrzymaj kiosk",
    "menu.resume": "Wznów kiosk",
    "menu.end": "Zakończ sesję",
    "menu.export_json": "Eksport JSON (pełne dane)",
    "menu.export_csv": "Eksport CSV (odpowiedzi)",
    "menu.export_md": "Eksport Markdown (raport)",
    "menu.screenshot": "Zapisz zrzut panelu wyników (SVG)",
    "menu.settings": "Ustawienia",
    "menu.queue": "Kolejka do dyskusji i stwierdzenie na cały ekran",
    "menu.predictions": "Runda przewidywań: oczekiwania a rzeczywistość",
    "menu.chain": "Łańcuch w obszarach i mapy cieplne",
    "menu.compare": "Porównanie z wcześniejszym warsztatem",
    "menu.plan": "Plan działań",
    "menu.closing": "Ekran końcowy: do czego się zobowiązujemy",
    "menu.export_html": "Eksport raportu dla klienta (HTML, do druku jako PDF)",
    "menu.archive": "Zarchiwizuj sesję (plan działań stanie się ostateczny)",
    "menu.archive.confirm": "Zarchiwizować sesję? Plan działań stanie się ostateczny.",
    "menu.archive.needs_end": "Najpierw zakończ sesję (e), potem ją zarchiwizuj.",
    "menu.archive.done": "Zarchiwizowano: plan działań jest ostateczny.",
    "menu.rotate": "Nowy link dla telefonów (otwarte już strony działają dalej)",
    "menu.rotated": "Poproszono o nowy link: projektor pokaże go za chwilę",
    "menu.quit": "Zakończ program",
    "menu.exported": "Zapisano {path}",
    "menu.export_failed": "Eksport nie powiódł się: {error}",
    "menu.end.confirm": "Zakończyć sesję? Kiosk nie przyjmie już odpowiedzi.",
    "menu.quit.confirm": "Zamknąć coherence-tui?",
    "menu.yes": "Tak",
    "menu.no": "Nie",
    "settings.title": "Ustawienia sesji",
    "settings.k": "Próg anonimowości k (grupy z mniejszą liczbą osób nie pokazują wyników)",
    "settings.err.k_lower": (
        "k można teraz tylko podnieść (co najmniej {k}): ludzie odpowiadali, wierząc, że "
        "mniejsze grupy są ukryte"
    ),
    "settings.language": "Język interfejsu",
    "settings.language.auto": "Język kwestionariusza",
    "settings.prediction_round": "Runda przewidywań (zarząd i kierownictwo szacują pierwszą linię)",
    "settings.save": "Zapisz",
    "settings.cancel": "Anuluj",
    "settings.saved": "Ustawienia zapisane",
    "home.title": "coherence-tui: warsztaty spójności obsługi klienta",
    "home.new": "Nowy warsztat",
    "home.resume": "Wznów sesję",
    "home.demo": "Otwórz demo",
    "home.name": "Nazwa warsztatu",
    "home.name.placeholder": "np. acme-2026-03",
    "home.questionnaire": "Kwestionariusz",
    "home.questionnaire.row": "{title} · {language} · stwierdzeń: {items}",
    "home.departments": "Działy (opcjonalnie, po przecinku)",
    "home.departments.placeholder": "np. Sprzedaż, Obsługa, Logistyka",
    "home.k": "Próg anonimowości k (1 lub 2 tylko na próbę)",
    "home.pin": "PIN prowadzącego (4-12 cyfr)",
    "home.pin2": "PIN prowadzącego ponownie",
    "home.create": "Utwórz i zacznij",
    "home.err.name": (
        "Od 1 do 100 liter, cyfr, spacji, '_', '-' lub '.', na początku litera lub cyfra."
    ),
    "home.err.department_name": (
        "Dział {name!r}: od 1 do 40 znaków, bez przecinków i znaków sterujących."
    ),
    "home.err.departments_unique": "Nazwy działów muszą się różnić.",
    "home.err.departments_many": "Najwyżej 9 działów (klawisze 1-9 w kiosku).",
    "home.err.name_taken": "Sesja o tej nazwie już istnieje.",
    "home.err.questionnaire": "Wybierz kwestionariusz.",
    "home.err.no_questionnaires": "Nie znaleziono kwestionariuszy.",
    "home.err.k": "Liczba całkowita od 1 do 100.",
    "home.err.pin": "Od 4 do 12 cyfr.",
    "home.err.pin2": "Podane PIN-y się różnią.",
    "home.err.create": "Nie udało się utworzyć sesji: {error}",
    "home.col.name": "Sesja",
    "home.col.date": "Utworzona",
    "home.col.board": "Zarząd",
    "home.col.management": "Kier.",
    "home.col.front_line": "Pierwsza linia",
    "home.col.answers": "Odpowiedzi",
    "home.unreadable": "nie da się odczytać: {error}",
    "home.no_sessions": "Brak sesji w {directory}.",
    "home.hint": "Tab przechodzi między polami · Enter na sesji ją wznawia · ctrl+q kończy",
    "app.no_session": "Brak sesji do otwarcia.",
}

LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "pl": "Polski",
    "uk": "Українська",
    "ru": "Русский",
}
"""Each language by its own name, as the kiosk's language choice offers it."""

# Ukrainian and Russian (what a participant sees) are in kiosk_uk.py and kiosk_ru.py.

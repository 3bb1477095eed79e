// The desk's Stimulus controllers, one small one per behaviour (static/js/controllers/).
// Each improves pages that work as plain forms without it; a browser without ES modules
// simply does without. Stimulus itself is vendored: see "vendor:stimulus" in package.json.
import { Application } from "../vendor/stimulus-3.2.2.js";
import Autosave from "./controllers/autosave.js";
import BodyKeeper from "./controllers/body_keeper.js";
import DraftKeeper from "./controllers/draft_keeper.js";
import ReviewKeys from "./controllers/review_keys.js";
import UnsavedWarning from "./controllers/unsaved_warning.js";

const application = Application.start();
application.register("autosave", Autosave);
application.register("body-keeper", BodyKeeper);
application.register("draft-keeper", DraftKeeper);
application.register("review-keys", ReviewKeys);
application.register("unsaved-warning", UnsavedWarning);

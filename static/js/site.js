// The public site's Stimulus controllers: each improves a page that works without it.
import { Application } from "../vendor/stimulus-3.2.2.js";
import FollowUpAnswer from "./controllers/follow_up_answer.js";

const application = Application.start();
application.register("follow-up-answer", FollowUpAnswer);

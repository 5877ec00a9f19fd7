/*
 * getRecaptchaConfig: reCAPTCHA enforcement is off for every provider, so
 * SDKs skip it (the Firebase Auth Emulator answers 501 here instead).
 * GET /v2/recaptchaConfig
 */
#include <json-c/json.h>

#include "handlers/handlers.h"
#include "reply.h"

static struct json_object *
enforcement(const char *provider)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "provider", json_object_new_string(provider));
	json_object_object_add(o, "enforcementState",
	    json_object_new_string("OFF"));
	return o;
}

void
recaptcha_config(struct request *req)
{
	struct json_object *body = json_object_new_object();
	struct json_object *states = json_object_new_array();

	json_object_array_add(states, enforcement("EMAIL_PASSWORD_PROVIDER"));
	json_object_array_add(states, enforcement("PHONE_PROVIDER"));
	json_object_object_add(body, "recaptchaEnforcementState", states);
	json_object_object_add(body, "useSmsBotScore",
	    json_object_new_boolean(0));
	json_object_object_add(body, "useSmsTollFraudProtection",
	    json_object_new_boolean(0));
	reply_json(req, 200, body);
}

-- A notification leads to the page it is about. Those about a need lead to
-- the need (need_id); the others (activities, meeting action items,
-- residents' suggestions, solutions, grants) now keep their page here.
-- Action items carried their id as the fourth argument for the link: those
-- rows take it here. The older others had no id and stay without a link.
ALTER TABLE notifications ADD COLUMN link TEXT NOT NULL DEFAULT '';
UPDATE notifications SET link = '/actions/' || json_extract(args, '$[3]')
    WHERE kind = 'action_assigned' AND json_extract(args, '$[3]') IS NOT NULL;

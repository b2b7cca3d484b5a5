-- The per-robot limit (Robots:RatePerMinute, both platforms refuse a robot's 21st post in a minute) holds across every
-- dispatching node: a post is granted when its attempt is opened, counting the robot's attempts of the last minute
-- under a lock on the robot (OutboxStore.BeginRobotAttemptsAsync). This index finds a robot's messages by webhook URL.
-- Forward-only: never edit this file once applied anywhere; add a later file instead.
create index messages_robot_recipient_idx on messages (recipient_address) where channel in ('wecom', 'dingtalk');

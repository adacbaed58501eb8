FROM eclipse-temurin:21-jre
COPY target/app.jar /app/app.jar
CMD ["java", "-jar", "/app/app.jar"]
